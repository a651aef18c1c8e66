using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.Hosting;
using Wirewatch.State;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// The fetcher's own HTTP path for <c>clean &lt;url&gt;</c> and <c>classify &lt;url&gt;</c>: robots.txt, the private-address
/// guard, the size cap, pacing and the Polly pipeline, with the <c>Wirewatch:Fetcher</c> settings. A URL on the command
/// line is treated as a one-page source, as <c>once --source URL</c> does (its own host may be private; a redirect to
/// another private host is refused). State (the robots.txt cache) lives in a throw-away folder.
/// </summary>
internal sealed class CliFetcher : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly string _scratch;
    private readonly WebFetcher _web;
    private readonly FetcherOptions _options;
    private readonly TimeProvider _time;

    private CliFetcher(ServiceProvider provider, string scratch)
    {
        (_provider, _scratch) = (provider, scratch);
        _web = provider.GetRequiredService<WebFetcher>();
        _options = provider.GetRequiredService<IOptions<FetcherOptions>>().Value; // bad settings: exit 2 before any request
        _time = provider.GetRequiredService<TimeProvider>();
    }

    public static CliFetcher Create(IConfiguration configuration)
    {
        var settings = WirewatchSettings.Read(configuration);
        var scratch = Directory.CreateTempSubdirectory("wirewatch-cli-").FullName;
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        services.AddOptions<FetcherOptions>().Bind(configuration.GetSection("Wirewatch:Fetcher"))
            .PostConfigure(o => o.DataDir = Path.GetFullPath(settings.Options.DataDir));
        services.AddWirewatchState(StateLocation.Sqlite(Path.Combine(scratch, "cli.db"))); // the robots.txt cache, thrown away
        services.AddFetcher(new SourceCatalog([]), schedule: false);
        try
        {
            return new CliFetcher(services.BuildServiceProvider(validateScopes: true), scratch);
        }
        catch
        {
            Directory.Delete(scratch, recursive: true);
            throw;
        }
    }

    /// <summary>The page as the fetcher would publish it; <see cref="FetchFailedException"/> when it cannot be had.</summary>
    public async Task<ArticleFetched> FetchAsync(string input, CancellationToken cancellationToken)
    {
        var source = new SourceDefinition { Id = "cli", Kind = SourceKinds.Page, Url = input };
        var response = await _web.GetAsync(new Uri(input), validators: null, FetchPolicy.For(source, _options), cancellationToken);
        var url = CanonicalUrl.Normalize(input);
        var text = response.Text ?? "";
        var now = _time.GetUtcNow();
        return new ArticleFetched
        {
            ArticleId = CanonicalUrl.ArticleIdFor(url),
            Version = 1,
            SourceId = source.Id,
            Url = url,
            ProducedAt = now,
            Content = text,
            ContentType = response.ContentType,
            Charset = response.Charset,
            ContentHash = CanonicalUrl.ContentHash(text),
            FetchedAt = now,
            Http = new HttpFacts { Status = response.Status, ETag = response.Validators.ETag, LastModified = response.Validators.LastModified },
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }
}
