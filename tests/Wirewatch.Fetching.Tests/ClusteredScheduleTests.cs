using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Quartz;
using Quartz.Impl;
using Wirewatch.Fetching.Scheduling;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.Fetching.Tests;

/// <summary>
/// The fetcher's clustered schedule on a real PostgreSQL: three schedulers configured as three fetcher replicas are
/// (<see cref="ClusteredSchedule"/>, <see cref="SourceSchedule"/>) share one database. Each runs a recording job in
/// place of the fetch cycle, so what is asserted is the schedule: which slot fired where, and how often.
/// </summary>
[Trait("Category", "Integration")]
[Collection(QuartzLogging.Collection)]
public sealed class ClusteredScheduleTests(PostgresCluster postgres) : IClassFixture<PostgresCluster>, IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly List<(IScheduler Scheduler, ServiceProvider Services)> _fetchers = [];
    private readonly FireRecorder _fires = new();

    [Fact]
    public async Task Three_fetchers_on_one_database_fire_each_source_once_per_slot()
    {
        var store = await StoreAsync();
        var catalog = Catalog("wire-a", "wire-b");
        for (var i = 1; i <= 3; i++)
        {
            await StartFetcherAsync(store, catalog, $"fetcher-{i}");
        }

        await Eventually.True(() => catalog.Enabled.All(s => _fires.Of(s.Id).Count >= 5), "five slots of each source fired", TimeSpan.FromSeconds(90), _fires.Describe);

        foreach (var source in catalog.Enabled)
        {
            var fires = _fires.Of(source.Id);
            var slots = fires.Select(f => f.Slot).ToList();
            slots.Distinct().Count().ShouldBe(slots.Count, $"{source.Id}: no slot fired twice ({_fires.Describe()})");
            var gaps = slots.Order().Zip(slots.Order().Skip(1), (a, b) => b - a).ToList();
            gaps.ShouldAllBe(gap => gap <= 2 * Interval, $"{source.Id}: no source skipped for more than two intervals ({_fires.Describe()})");
        }

        (await CountAsync(store, "SELECT count(*) FROM qrtz_job_details")).ShouldBe(2L, "one job per source, whoever scheduled it");
        (await CountAsync(store, "SELECT count(*) FROM qrtz_scheduler_state")).ShouldBe(3L, "three instances checked in");
    }

    [Fact]
    public async Task A_fetcher_that_dies_running_a_job_has_it_recovered_by_another()
    {
        var store = await StoreAsync();
        var catalog = Catalog("wire-slow");
        _fires.HoldFirst = true; // The first execution never returns: its fetcher dies with it in hand.
        for (var i = 1; i <= 3; i++)
        {
            await StartFetcherAsync(store, catalog, $"fetcher-{i}");
        }

        await Eventually.True(() => _fires.Of("wire-slow").Count >= 1, "the first slot fired", TimeSpan.FromSeconds(60), _fires.Describe);
        var holder = _fires.Of("wire-slow")[0].Instance;
        var (dying, _) = _fetchers.Single(f => f.Scheduler.SchedulerInstanceId == holder);
        await dying.Shutdown(waitForJobsToComplete: false); // stops checking in, leaves its fired trigger behind: a kill, as the cluster sees it

        await Eventually.True(() => _fires.Of("wire-slow").Any(f => f.Recovering), "another fetcher recovers the job", TimeSpan.FromSeconds(60), _fires.Describe);
        var recovery = _fires.Of("wire-slow").First(f => f.Recovering);
        recovery.Instance.ShouldNotBe(holder);
        await Eventually.True(() => _fires.Of("wire-slow").Count(f => !f.Recovering && f.Instance != holder) >= 2,
            "the source goes on firing on the survivors", TimeSpan.FromSeconds(60), _fires.Describe);
    }

    [Fact]
    public async Task Schema_and_schedule_are_created_once_when_fetchers_start_together_and_left_alone_on_a_second_start()
    {
        var store = await StoreAsync(createSchema: false);
        var created = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => QuartzSchema.EnsureAsync(store.ConnectionString, CancellationToken.None)));
        created.Count(c => c).ShouldBe(1, "one starter creates the tables, the others find them");
        (await QuartzSchema.EnsureAsync(store.ConnectionString, CancellationToken.None)).ShouldBeFalse("a second start creates nothing");

        var catalog = Catalog("wire-a");
        var first = await StartFetcherAsync(store, catalog, "fetcher-1", start: false);
        var before = await CountAsync(store, "SELECT next_fire_time FROM qrtz_triggers");
        var again = await SourceSchedule.SyncAsync(store, first, catalog, CancellationToken.None, typeof(RecordingJob));
        again.ShouldBe(new SyncResult(1, 0, 0, 0), "an unchanged source is left as it is");
        (await CountAsync(store, "SELECT next_fire_time FROM qrtz_triggers")).ShouldBe(before, "its trigger was not replaced");

        var changed = await SourceSchedule.SyncAsync(store, first, Catalog("wire-b"), CancellationToken.None, typeof(RecordingJob));
        changed.ShouldBe(new SyncResult(1, 1, 1, 0), "a reload that swaps sources adds one job and deletes the other");
    }

    private async Task<ClusteredSchedule> StoreAsync(bool createSchema = true)
    {
        var store = new ClusteredSchedule(await postgres.CreateDatabaseAsync("quartz"))
        {
            CheckinInterval = TimeSpan.FromSeconds(1),
            CheckinMisfireThreshold = TimeSpan.FromSeconds(4),
        };
        if (createSchema)
        {
            await QuartzSchema.EnsureAsync(store.ConnectionString, CancellationToken.None);
        }

        return store;
    }

    private static SourceCatalog Catalog(params string[] ids) =>
        new(ids.Select(id => new SourceDefinition { Id = id, Kind = SourceKinds.Directory, Path = "/nonexistent/" + id, Interval = Interval }));

    /// <summary>One fetcher replica's scheduler, configured as the worker configures it, with its own instance id.</summary>
    private async Task<IScheduler> StartFetcherAsync(ClusteredSchedule store, SourceCatalog catalog, string instanceId, bool start = true)
    {
        // Quartz logs through one process-wide provider, which another test's host may have set and disposed.
        Quartz.Logging.LogContext.SetCurrentLogProvider(NullLoggerFactory.Instance);
        var services = new ServiceCollection();
        // Quartz keeps the first logger factory it sees for the whole process: one that no provider disposes.
        services.AddLogging();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(NullLoggerFactory.Instance));
        services.AddSingleton(_fires);
        services.AddQuartz(quartz =>
        {
            store.Configure(quartz);
            quartz.SchedulerId = instanceId;
        });
        var provider = services.BuildServiceProvider();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        // Quartz keeps one scheduler per name and process; replicas are processes of their own, so this one is let go.
        SchedulerRepository.Instance.Remove(ClusteredSchedule.SchedulerName);
        _fetchers.Add((scheduler, provider));
        await SourceSchedule.SyncAsync(store, scheduler, catalog, CancellationToken.None, typeof(RecordingJob));
        if (start)
        {
            await scheduler.Start();
        }

        return scheduler;
    }

    private static async Task<long> CountAsync(ClusteredSchedule store, string sql)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _fires.Release();
        foreach (var (scheduler, services) in _fetchers)
        {
            if (!scheduler.IsShutdown)
            {
                await scheduler.Shutdown(waitForJobsToComplete: false);
            }

            await services.DisposeAsync();
        }
    }

    internal sealed record Fire(string Source, string Instance, TimeSpan Slot, bool Recovering);

    /// <summary>What every replica's job saw: source, instance, scheduled slot, and whether it ran as a recovery.</summary>
    internal sealed class FireRecorder
    {
        private readonly ConcurrentQueue<Fire> _fires = new();
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _held;

        public bool HoldFirst { get; set; }

        public IReadOnlyList<Fire> Of(string source) => [.. _fires.Where(f => f.Source == source)];

        public string Describe() => string.Join("; ", _fires.Select(f => $"{f.Source}@{f.Instance} {f.Slot.TotalSeconds:0.0}{(f.Recovering ? " recovering" : "")}"));

        public Task RecordAsync(IJobExecutionContext context)
        {
            var slot = (context.ScheduledFireTimeUtc ?? context.FireTimeUtc) - DateTimeOffset.UnixEpoch;
            _fires.Enqueue(new Fire(context.MergedJobDataMap.GetString(FetchSourceJob.SourceIdKey)!, context.Scheduler.SchedulerInstanceId, slot, context.Recovering));
            return HoldFirst && Interlocked.Exchange(ref _held, 1) == 0 ? _gate.Task : Task.CompletedTask;
        }

        public void Release() => _gate.TrySetResult();
    }

    /// <summary>Stands in for <see cref="FetchSourceJob"/>, with the same non-overlapping rule.</summary>
    [DisallowConcurrentExecution]
    internal sealed class RecordingJob(FireRecorder fires) : IJob
    {
        public Task Execute(IJobExecutionContext context) => fires.RecordAsync(context);
    }
}

/// <summary>Quartz's logging is process-wide: the clustered schedule's tests run alone, not beside other hosts' schedulers.</summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class QuartzLogging
{
    public const string Collection = "quartz-logging";
}
