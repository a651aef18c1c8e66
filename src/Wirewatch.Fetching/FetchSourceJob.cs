using MassTransit;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Wirewatch.Fetching;

/// <summary>
/// The Quartz job behind every source: one job per source, never overlapping itself.
/// A failed cycle is logged and left to the next trigger; nothing it did not publish was marked seen.
/// </summary>
[DisallowConcurrentExecution]
public sealed class FetchSourceJob(SourceCatalog catalog, FetchCycle cycle, IBus bus, ILogger<FetchSourceJob> log) : IJob
{
    public const string SourceIdKey = "sourceId";

    public async Task Execute(IJobExecutionContext context)
    {
        var source = catalog.Get(context.MergedJobDataMap.GetString(SourceIdKey)!);
        try
        {
            var result = await cycle.RunAsync(source, bus, context.CancellationToken);
            log.LogInformation(
                "Source {SourceId}: cycle done, {Outcomes}",
                source.Id,
                string.Join(", ", result.Outcomes.Select(o => $"{o.Key}={o.Value}")));
        }
        catch (Exception e) when (e is FetchFailedException or RequestTimeoutException or MassTransitException)
        {
            log.LogError(e, "Source {SourceId}: cycle failed; the next run tries again", source.Id);
        }
    }
}
