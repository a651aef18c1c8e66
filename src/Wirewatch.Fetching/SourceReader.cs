using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wirewatch.Contracts;

namespace Wirewatch.Fetching;

/// <summary>
/// Turns a source into items (files of a folder, links of a feed or an html listing, a single page) and reads each item's content.
/// Listing and reading are separate so that a failing item never hides the rest of a source.
/// </summary>
public sealed class SourceReader(
    WebFetcher web, ISeenStore seen, IOptions<FetcherOptions> options, FetchTelemetry telemetry, TimeProvider time, ILogger<SourceReader> log)
{
    private static readonly HashSet<string> ArticleExtensions = new(StringComparer.OrdinalIgnoreCase) { ".txt", ".html", ".htm" };

    /// <summary>
    /// The URL at which each <c>auto</c> source was decided a feed (the durable record is in the seen store, shared by
    /// every fetcher): a feed's cycles cost no database round trip. A page verdict is not cached, because another fetcher
    /// may have seen the source serve a feed since; a page-looking body asks the store.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _feedAt = new(StringComparer.Ordinal);

    /// <param name="conditional">Send the listing's stored validators (a 304 lists nothing); off for checks.</param>
    public async Task<SourceListing> ListAsync(SourceDefinition source, CancellationToken cancellationToken, bool conditional = true)
    {
        if (source.Kind == SourceKinds.Directory)
        {
            var folder = ResolvePath(source.Path!);
            if (!Path.IsPathRooted(source.Path!))
            {
                Directory.CreateDirectory(folder); // A drop folder under the data directory exists from the start.
            }

            if (!Directory.Exists(folder))
            {
                throw new FetchFailedException("missing-folder", $"Source '{source.Id}': folder '{folder}' does not exist.");
            }

            var files = Directory.EnumerateFiles(folder)
                .Where(f => ArticleExtensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal)
                .Select(f => new SourceItem(new Uri(f).AbsoluteUri, null))
                .ToList();
            return new SourceListing(files, null, null);
        }

        if (source.Kind == SourceKinds.File)
        {
            var file = ResolvePath(source.Path!);
            if (!File.Exists(file))
            {
                throw new FetchFailedException("missing-file", $"Source '{source.Id}': file '{file}' does not exist.");
            }

            return new SourceListing([new SourceItem(new Uri(file).AbsoluteUri, null)], null, null);
        }

        var url = new Uri(source.Url!);
        var policy = FetchPolicy.For(source, options.Value);
        if (source.Kind == SourceKinds.Page)
        {
            return new SourceListing([new SourceItem(url.AbsoluteUri, null)], null, null);
        }

        // Feeds, html listings, and 'auto' (a feed if it looks like one, a page otherwise).
        var validators = conditional ? await seen.GetValidatorsAsync(url.AbsoluteUri, cancellationToken) : null;
        var response = await web.GetAsync(url, validators, policy, cancellationToken, listing: source.Kind != SourceKinds.Auto, markupUnderAnyType: true);
        if (response.NotModified)
        {
            log.LogDebug("Source {SourceId}: {Url} not modified", source.Id, url);
            return new SourceListing([], url.AbsoluteUri, response.Validators) { NotModified = true, Status = 304 };
        }

        if (source.Kind == SourceKinds.Html)
        {
            var links = HtmlListing.Links(response.Text!, response.FinalUrl, source.Selector!);
            return new SourceListing(links, url.AbsoluteUri, response.Validators) { Status = response.Status };
        }

        if (source.Kind == SourceKinds.Auto && !await IsFeedAsync(source, url, response, cancellationToken))
        {
            var page = new SourceItem(url.AbsoluteUri, null) { Prefetched = response };
            return new SourceListing([page], null, null) { Status = response.Status };
        }

        var feed = FeedParser.Parse(response.Text!, response.FinalUrl);
        if (feed.Problems > 0)
        {
            log.LogWarning("Source {SourceId}: {Url} read with {NoLink} entries without a usable link (skipped), {Dates} unreadable item dates (dropped){Recovered}",
                source.Id, url, feed.Skipped, feed.UnreadableDates, feed.Recovered is null ? "" : $"; {feed.Recovered}");
        }

        telemetry.Count(source.Id, feed);
        return new SourceListing(feed.Items, url.AbsoluteUri, response.Validators) { Status = response.Status, Feed = feed, SkippedEntries = feed.Problems };
    }

    /// <summary>
    /// Decides by content (the root element after any prolog, comment or BOM), and remembers it durably per source and
    /// URL (a new URL decides afresh). An empty body, or anything that is not a feed from a source that served a feed
    /// before at this URL (in this process, an earlier one or another fetcher), fails the cycle: a broken feed never
    /// becomes a page.
    /// </summary>
    private async Task<bool> IsFeedAsync(SourceDefinition source, Uri url, WebResponse response, CancellationToken cancellationToken)
    {
        var format = FeedSniffer.Detect(response.Text!);
        if (format == FeedFormat.Empty)
        {
            throw new FetchFailedException("empty-response", $"{response.FinalUrl} returned an empty body: neither a feed nor a page.");
        }

        var at = url.AbsoluteUri;
        if (format is not (FeedFormat.Html or FeedFormat.Unknown))
        {
            if (!WasFeed(source.Id, at))
            {
                await seen.SaveAutoKindAsync(new AutoKind(source.Id, at, IsFeed: true, time.GetUtcNow()), cancellationToken);
                _feedAt[source.Id] = at;
            }

            return true;
        }

        if (!WasFeed(source.Id, at))
        {
            var stored = await seen.GetAutoKindAsync(source.Id, cancellationToken);
            if (stored is { IsFeed: true } && stored.Url == at)
            {
                _feedAt[source.Id] = at;
            }
            else if (stored is null || stored.Url != at)
            {
                await seen.SaveAutoKindAsync(new AutoKind(source.Id, at, IsFeed: false, time.GetUtcNow()), cancellationToken);
            }
        }

        if (WasFeed(source.Id, at))
        {
            throw new FetchFailedException("invalid-feed", $"{response.FinalUrl} served a feed before and now serves no feed (an error page?); the cycle fails rather than publish it as a page.");
        }

        return false;
    }

    private bool WasFeed(string sourceId, string url) => _feedAt.TryGetValue(sourceId, out var at) && at == url;

    /// <summary>
    /// The item's content, or null when the server said it has not changed since the validators we hold.
    /// Only local sources read files: a <c>file:</c> link in a feed is refused, never read.
    /// </summary>
    public async Task<ItemContent?> ReadAsync(SourceDefinition source, SourceItem item, HttpValidators? validators, CancellationToken cancellationToken)
    {
        var uri = new Uri(item.Url);
        if (source.IsLocal)
        {
            return uri.IsFile
                ? await ReadFileAsync(uri.LocalPath, source.MaxBytes ?? options.Value.MaxBytes, cancellationToken)
                : throw new FetchFailedException("unsupported-scheme", $"{item.Url} is not a file.");
        }

        var response = item.Prefetched ?? await web.GetAsync(uri, validators, FetchPolicy.For(source, options.Value), cancellationToken);
        if (response.NotModified)
        {
            return null;
        }

        return new ItemContent(
            response.Text!,
            response.ContentType,
            response.Charset,
            new HttpFacts { Status = response.Status, ETag = response.Validators.ETag, LastModified = response.Validators.LastModified })
        {
            Validators = response.Validators,
        };
    }

    /// <summary>A local file as the fetcher sees it: decoded text, and a content type from its extension.</summary>
    public static async Task<ItemContent> ReadFileAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        if (bytes.Length > maxBytes)
        {
            throw new FetchFailedException("too-large", $"{path} is over the cap of {maxBytes} bytes.");
        }

        var (text, charset) = TextDecoding.Decode(bytes, null);
        var type = Path.GetExtension(path).ToLowerInvariant() is ".html" or ".htm" ? "text/html" : "text/plain";
        return new ItemContent(text, type, charset, null);
    }

    private string ResolvePath(string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(options.Value.DataDir, path));
}

/// <summary>What a source lists; the listing's own validators are saved only after every item was handled.</summary>
public sealed record SourceListing(IReadOnlyList<SourceItem> Items, string? ListingUrl, HttpValidators? ListingValidators)
{
    public bool NotModified { get; init; }

    /// <summary>The HTTP status of the listing request, when there was one.</summary>
    public int? Status { get; init; }

    /// <summary>What went wrong reading the feed (entries without a link, unreadable dates, a broken document); reported by <c>wirewatch sources check</c>.</summary>
    public int SkippedEntries { get; init; }

    /// <summary>The parsed feed, for feed listings: its format and what was given up.</summary>
    public ParsedFeed? Feed { get; init; }
}

public sealed record SourceItem(string Url, FeedHints? Feed)
{
    /// <summary>Set when listing already fetched the page (an <c>auto</c> source that turned out to be a page).</summary>
    public WebResponse? Prefetched { get; init; }
}

public sealed record ItemContent(string Text, string ContentType, string? Charset, HttpFacts? Http)
{
    public HttpValidators? Validators { get; init; }
}
