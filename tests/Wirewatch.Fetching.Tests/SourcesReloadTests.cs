using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using Quartz.Impl.Matchers;
using Wirewatch.Tests.Shared;
using Wirewatch.State;

namespace Wirewatch.Fetching.Tests;

/// <summary>A changed sources.json reschedules the Quartz jobs of a running fetcher; an invalid one changes nothing.</summary>
public sealed class SourcesReloadTests
{
    private readonly string _dataDir = TestPaths.TempFolder("reload");

    private static string Sources(params (string Id, string Interval, bool Enabled)[] sources) =>
        $$"""{ "sources": [ {{string.Join(",", sources.Select(s => $$"""{ "id": "{{s.Id}}", "kind": "directory", "path": "in-{{s.Id}}", "interval": "{{s.Interval}}", "enabled": {{(s.Enabled ? "true" : "false")}} }"""))}} ] }""";

    [Fact]
    public async Task Added_removed_changed_and_disabled_sources_are_rescheduled_without_a_restart()
    {
        var file = Path.Combine(_dataDir, "sources.json");
        await File.WriteAllTextAsync(file, Sources(("a", "01:00:00", true), ("b", "01:00:00", true), ("c", "01:00:00", true)));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = _dataDir });
        builder.Logging.ClearProviders();
        builder.Services.AddWirewatchState(StateLocation.Sqlite(Path.Combine(_dataDir, "wirewatch.db")));
        builder.Services.AddFetcher(SourceCatalog.Load(file), schedule: true, sourcesFile: file);
        builder.Services.Configure<FetcherOptions>(o =>
        {
            o.DataDir = _dataDir;
            o.SourcesReloadInterval = TimeSpan.FromMilliseconds(50);
        });
        builder.Services.AddMassTransit(x => x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context)));
        using var host = builder.Build();
        var provider = host.Services;
        var invalidReloads = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "wirewatch.fetch.sources.reloads")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome" && Equals(tag.Value, "invalid"))
                {
                    Interlocked.Add(ref invalidReloads, (int)value);
                }
            }
        });
        listener.Start();
        await host.StartAsync();

        try
        {
            var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
            async Task<string> Jobs() => string.Join(",", (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SourcesReloader.JobGroup))).Select(k => k.Name).Order(StringComparer.Ordinal));
            async Task<TimeSpan?> IntervalOf(string id) =>
                (await scheduler.GetTriggersOfJob(SourcesReloader.JobKeyFor(id))).OfType<ISimpleTrigger>().SingleOrDefault()?.RepeatInterval;
            (await Jobs()).ShouldBe("fetch-a,fetch-b,fetch-c");

            await File.WriteAllTextAsync(file, Sources(("a", "00:30:00", true), ("c", "01:00:00", false), ("d", "01:00:00", true)));
            var seen = "";
            await Eventually.True(async () => (seen = await Jobs()) == "fetch-a,fetch-d", "jobs follow the file", TimeSpan.FromSeconds(10), () => seen);
            await Eventually.True(async () => await IntervalOf("a") == TimeSpan.FromMinutes(30), "a runs on its new interval", TimeSpan.FromSeconds(10));
            provider.GetRequiredService<SourceRegistry>().Current.Get("d").Path.ShouldBe("in-d");

            await File.WriteAllTextAsync(file, """{ "sources": [ { "id": "a", "kind": "gopher" } ] }""");
            await Eventually.True(() => Volatile.Read(ref invalidReloads) > 0, "the reloader read the invalid file", TimeSpan.FromSeconds(10));
            (await Jobs()).ShouldBe("fetch-a,fetch-d");
            provider.GetRequiredService<SourceRegistry>().Current.Get("a").Interval.ShouldBe(TimeSpan.FromMinutes(30));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
