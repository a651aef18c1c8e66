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
    private readonly ScratchFetcher _scratch;
    private readonly WebFetcher _web;
    private readonly FetcherOptions _options;
    private readonly TimeProvider _time;

    private CliFetcher(ScratchFetcher scratch)
    {
        _scratch = scratch;
        _web = scratch.Services.GetRequiredService<WebFetcher>();
        _options = scratch.Services.GetRequiredService<IOptions<FetcherOptions>>().Value;
        _time = scratch.Services.GetRequiredService<TimeProvider>();
    }

    public static CliFetcher Create(IConfiguration configuration) => new(ScratchFetcher.Create(configuration, new SourceCatalog([])));

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

    public ValueTask DisposeAsync() => _scratch.DisposeAsync();
}
