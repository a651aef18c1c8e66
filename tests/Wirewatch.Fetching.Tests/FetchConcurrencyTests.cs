using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using Wirewatch.Tests.Shared;
using Wirewatch.State;

namespace Wirewatch.Fetching.Tests;

/// <summary>How many sources one fetcher fetches at once is configuration (Quartz's thread pool), not Quartz's default.</summary>
[Collection(QuartzLogging.Collection)]
public sealed class FetchConcurrencyTests
{
    private readonly string _dataDir = TestPaths.TempFolder("concurrency");

    [Fact]
    public async Task The_fetches_run_at_once_follow_the_configured_maximum()
    {
        var file = Path.Combine(_dataDir, "sources.json");
        await File.WriteAllTextAsync(file, """{ "sources": [ { "id": "a", "kind": "directory", "path": "in-a", "interval": "01:00:00" } ] }""");
        Quartz.Logging.LogContext.SetCurrentLogProvider(NullLoggerFactory.Instance); // not an earlier test host's disposed factory
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = _dataDir });
        builder.Logging.ClearProviders();
        builder.Configuration["Wirewatch:Fetcher:MaxConcurrentFetches"] = "37";
        builder.Services.AddWirewatchState(StateLocation.Sqlite(Path.Combine(_dataDir, "wirewatch.db")));
        builder.Services.AddFetcher(SourceCatalog.Load(file), schedule: true);
        builder.Services.Configure<FetcherOptions>(o => o.DataDir = _dataDir);
        builder.Services.AddMassTransit(x => x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context)));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            (await scheduler.GetMetaData()).ThreadPoolSize.ShouldBe(37, "Quartz's thread pool is the fetcher's MaxConcurrentFetches");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
