using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Wirewatch.Fetching.Scheduling;

/// <summary>
/// Before the scheduler starts (registered ahead of Quartz's hosted service): Quartz's tables exist, and the shared
/// schedule matches this fetcher's sources.
/// </summary>
internal sealed class ClusteredScheduleStarter(ClusteredSchedule store, SourceRegistry sources, ISchedulerFactory schedulers, ILogger<ClusteredScheduleStarter> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await QuartzSchema.EnsureAsync(store.ConnectionString, cancellationToken))
        {
            log.LogInformation("Created Quartz's job store tables ({Prefix}*) for the clustered fetch schedule", QuartzSchema.TablePrefix);
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var result = await SourceSchedule.SyncAsync(store, scheduler, sources.Current, cancellationToken);
        log.LogInformation(
            "Clustered fetch schedule as instance {InstanceId}: {Enabled} source(s), {Added} added, {Changed} changed, {Removed} removed",
            scheduler.SchedulerInstanceId, result.Enabled, result.Added, result.Changed, result.Removed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
