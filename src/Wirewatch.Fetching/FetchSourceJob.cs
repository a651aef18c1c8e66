using MassTransit;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Wirewatch.Fetching;

/// <summary>
/// The Quartz job behind every source: one job per source, never overlapping itself.
/// A failed cycle is logged (and counted by the cycle) and left to the next trigger; nothing it did not publish was
/// marked seen. No failure of a source escapes the job: one bad site never disturbs the scheduler or the others.
/// </summary>
[DisallowConcurrentExecution]
public sealed class FetchSourceJob(SourceRegistry sources, FetchCycle cycle, IBus bus, ILogger<FetchSourceJob> log) : IJob
{
    public const string SourceIdKey = "sourceId";

    public async Task Execute(IJobExecutionContext context)
    {
        var source = sources.Current.Get(context.MergedJobDataMap.GetString(SourceIdKey)!);
        using var scope = log.BeginScope(new Dictionary<string, object?> { ["SourceId"] = source.Id, ["SourceUrl"] = source.Url ?? source.Path });
        try
        {
            var result = await cycle.RunAsync(source, bus, context.CancellationToken);
            log.LogInformation(
                "Source {SourceId}: cycle done, {Outcomes}",
                source.Id,
                string.Join(", ", result.Outcomes.Select(o => $"{o.Key}={o.Value}")));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            log.LogInformation("Source {SourceId}: cycle cancelled by shutdown", source.Id);
        }
#pragma warning disable CA1031 // The job is the boundary: whatever a source does, the scheduler and the other sources go on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogError(e, "Source {SourceId} ({Url}): cycle failed ({Reason}); the next run tries again",
                source.Id, source.Url ?? source.Path, e is FetchFailedException f ? f.Reason : e.GetType().Name);
        }
    }
}
