using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using Wirewatch.Fetching.Scheduling;

namespace Wirewatch.Fetching;

/// <summary>The sources in force; replaced as a whole when <c>sources.json</c> changes.</summary>
public sealed class SourceRegistry(SourceCatalog initial)
{
    private volatile SourceCatalog _current = initial;

    public SourceCatalog Current => _current;

    internal void Replace(SourceCatalog catalog) => _current = catalog;
}

/// <summary>
/// Reloads <c>sources.json</c> without a restart: every <see cref="FetcherOptions.SourcesReloadInterval"/> it reads the
/// file, and when its content changed and it is valid, deletes the jobs of removed, disabled or changed sources and
/// schedules the added and changed ones. An invalid file is logged and ignored: the sources in force keep running.
/// A running cycle finishes; a changed source starts again now with its new definition.
/// </summary>
public sealed class SourcesReloader(
    string path,
    SourceRegistry registry,
    ISchedulerFactory schedulers,
    TimeProvider time,
    IOptions<FetcherOptions> options,
    FetchTelemetry telemetry,
    ILogger<SourcesReloader> log,
    ClusteredSchedule? clustered = null) : BackgroundService
{
    public const string JobGroup = "sources";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastHash = Hash(path);
        using var timer = new PeriodicTimer(options.Value.SourcesReloadInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var hash = Hash(path);
                if (hash is null || hash == lastHash)
                {
                    continue;
                }

                lastHash = hash;
                await ReloadAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        SourceCatalog next;
        try
        {
            next = SourceCatalog.Load(path);
        }
        catch (InvalidSourceException e)
        {
            log.LogError("Sources file {Path} changed but is invalid; the sources in force keep running: {Problems}", path, e.Message);
            telemetry.SourceReloads.Add(1, new KeyValuePair<string, object?>("outcome", "invalid"));
            return;
        }

        var previous = registry.Current.Enabled.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var wanted = next.Enabled.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        registry.Replace(next);
        if (clustered is not null)
        {
            // Every fetcher reloads the same file: the shared store is reconciled, one fetcher at a time, and the
            // second finds nothing left to change.
            var synced = await SourceSchedule.SyncAsync(clustered, scheduler, next, cancellationToken);
            telemetry.SourceReloads.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            log.LogInformation(
                "Sources file {Path} reloaded: {Count} enabled source(s) ({Added} added, {Removed} removed, {Changed} changed in the shared schedule)",
                path, synced.Enabled, synced.Added, synced.Removed, synced.Changed);
            return;
        }

        foreach (var (id, source) in previous)
        {
            if (!wanted.TryGetValue(id, out var now) || now != source)
            {
                await scheduler.DeleteJob(JobKeyFor(id), cancellationToken);
            }
        }

        foreach (var (id, source) in wanted)
        {
            if (!previous.TryGetValue(id, out var before) || before != source)
            {
                var job = JobBuilder.Create<FetchSourceJob>().WithIdentity(JobKeyFor(id)).UsingJobData(FetchSourceJob.SourceIdKey, id).Build();
                var trigger = TriggerBuilder.Create().ForJob(job).WithIdentity($"fetch-{id}-trigger", JobGroup);
                FetcherRegistration.ConfigureTrigger(trigger, source);
                await scheduler.ScheduleJob(job, trigger.Build(), cancellationToken);
            }
        }

        telemetry.SourceReloads.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
        log.LogInformation(
            "Sources file {Path} reloaded: {Count} enabled source(s) ({Added} added, {Removed} removed, {Changed} changed)",
            path, wanted.Count, wanted.Keys.Count(k => !previous.ContainsKey(k)), previous.Keys.Count(k => !wanted.ContainsKey(k)),
            wanted.Count(w => previous.TryGetValue(w.Key, out var p) && p != w.Value));
    }

    public static JobKey JobKeyFor(string sourceId) => new($"fetch-{sourceId}", JobGroup);

    private static string? Hash(string file)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // Being replaced right now; read it next tick.
        }
    }
}
