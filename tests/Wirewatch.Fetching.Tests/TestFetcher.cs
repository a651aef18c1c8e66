using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wirewatch.Contracts;
using Wirewatch.State;

namespace Wirewatch.Fetching.Tests;

/// <summary>The fetcher's real services on MassTransit's in-memory test harness, optionally failing one publication.</summary>
internal sealed class TestFetcher : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly ITestHarness _harness;

    private TestFetcher(ServiceProvider provider)
    {
        _provider = provider;
        _harness = provider.GetRequiredService<ITestHarness>();
    }

    public IServiceProvider Services => _provider;

    public int PublishedCount => _harness.Published.Select<ArticleFetched>().Count();

    public static async Task<TestFetcher> StartAsync(string dataDir, string? failOn = null, Action<FetcherOptions>? configure = null)
    {
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(new FailOn(failOn))
            .AddWirewatchState(StateLocation.Sqlite(Path.Combine(dataDir, "wirewatch.db")))
            .AddFetcher(new SourceCatalog([]), schedule: false);
        services.Configure<FetcherOptions>(o =>
        {
            o.DataDir = dataDir;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.PublishTimeout = TimeSpan.FromSeconds(5);
            o.MinHostInterval = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        services.AddMassTransitTestHarness(x => x.UsingInMemory((context, cfg) =>
        {
            cfg.UsePublishFilter(typeof(FailingPublishFilter<>), context);
            cfg.ConfigureEndpoints(context);
        }));
        var fetcher = new TestFetcher(services.BuildServiceProvider(true));
        await fetcher._harness.Start();
        return fetcher;
    }

    public Task<FetchCycleResult> RunAsync(SourceDefinition source) =>
        _provider.GetRequiredService<FetchCycle>().RunAsync(source, _harness.Bus, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }
}

internal sealed record FailOn(string? UrlSuffix);

/// <summary>Stands in for a broker that refuses one publication (as a dead connection would).</summary>
internal sealed class FailingPublishFilter<T>(FailOn failOn) : IFilter<PublishContext<T>> where T : class
{
    public Task Send(PublishContext<T> context, IPipe<PublishContext<T>> next) =>
        failOn.UrlSuffix is { } suffix && context.Message is ArticleFetched article && article.Url.EndsWith(suffix, StringComparison.Ordinal)
            ? throw new InvalidOperationException("broker unavailable")
            : next.Send(context);

    public void Probe(ProbeContext context)
    {
    }
}
