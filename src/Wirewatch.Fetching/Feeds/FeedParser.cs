using Wirewatch.Contracts;

namespace Wirewatch.Fetching;

/// <summary>
/// Every feed format the Universal Feed Parser reads: RSS 0.90 to 2.0 (with or without <c>version</c>, in the Userland
/// namespace or none), RSS 1.0/RDF, Atom 0.3 and 1.0, JSON Feed 1.0 and 1.1. Items become links to fetch, with the
/// item's title and date as hints for the cleaner. Lenient like feedparser: a bad item is counted and skipped, a bad
/// date is counted and dropped, a document that breaks off keeps the items read before the break. Only a document
/// with no feed in it fails (<c>invalid-feed</c>), and an empty one (<c>empty-response</c>).
/// </summary>
public static class FeedParser
{
    /// <summary>A feed by content (root element after prolog, comments, BOM and whitespace), whatever the content type says.</summary>
    public static bool LooksLikeFeed(string text) => FeedSniffer.Detect(text) is not (FeedFormat.Html or FeedFormat.Unknown or FeedFormat.Empty);

    /// <summary>The items' links (absolute, resolved against <c>xml:base</c> and the feed URL) with each item's title and time.</summary>
    public static ParsedFeed Parse(string text, Uri feedUrl)
    {
        var format = FeedSniffer.Detect(text);
        try
        {
            return format switch
            {
                FeedFormat.Empty => throw new FetchFailedException("empty-response", $"{feedUrl} returned an empty body, not a feed."),
                FeedFormat.Json => JsonFeedReader.Read(text, feedUrl),
                FeedFormat.Html => throw new FetchFailedException("invalid-feed", $"{feedUrl} returned an HTML page, not a feed."),
                _ => XmlFeedReader.Read(text, feedUrl),
            };
        }
        catch (Exception e) when (e is not FetchFailedException)
        {
            // Whatever a document does to the reader, it fails its own source only, with a reason.
            throw new FetchFailedException("invalid-feed", $"{feedUrl} could not be read as a feed: {e.GetType().Name}: {e.Message}", e);
        }
    }
}

/// <summary>
/// The items of a feed (links not yet trusted: each is checked when fetched), what kind of feed it was, and what was
/// given up on the way: entries without a usable link (<c>no-link</c>), dates nothing could read (dropped, the item kept),
/// and whether the document broke off and was read only up to the break.
/// </summary>
public sealed record ParsedFeed(IReadOnlyList<SourceItem> Items, int Skipped)
{
    /// <summary>E.g. <c>rss-2.0</c>, <c>rss</c> (no version), <c>rss-1.0</c>, <c>atom-0.3</c>, <c>atom-1.0</c>, <c>json-1.1</c>.</summary>
    public string Format { get; init; } = "";

    public string? Title { get; init; }

    /// <summary>Item dates that no form could read: dropped from the hints, counted.</summary>
    public int UnreadableDates { get; init; }

    /// <summary>Set when the document was not well-formed and was read up to the error (or by the loose reader).</summary>
    public string? Recovered { get; init; }

    /// <summary>Everything given up while reading: shown as parse errors by <c>wirewatch sources check</c>.</summary>
    public int Problems => Skipped + UnreadableDates + (Recovered is null ? 0 : 1);
}

internal enum FeedFormat
{
    Empty,
    Unknown,
    Html,
    Rss,
    Rdf,
    Atom,
    Json,
}

/// <summary>Items and their hints, whichever format they came from; turned into <see cref="SourceItem"/>s in one place.</summary>
internal sealed class FeedItems(Uri feedUrl)
{
    public List<SourceItem> Items { get; } = [];
    public int NoLink { get; private set; }
    public int UnreadableDates { get; private set; }

    /// <param name="link">The item's link as written (may be relative), or null.</param>
    /// <param name="dates">The item's date fields, best first; the first that reads wins.</param>
    public void Add(string? link, Uri baseUri, string? title, IEnumerable<string?> dates)
    {
        DateTimeOffset? published = null;
        var unreadable = false;
        foreach (var value in dates)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (FeedDates.TryParse(value, out var date))
            {
                published = date;
                unreadable = false;
                break;
            }

            unreadable = true;
        }

        if (unreadable)
        {
            UnreadableDates++;
        }

        if (ResolveLink(link, baseUri) is not { } absolute)
        {
            NoLink++;
            return;
        }

        Items.Add(new SourceItem(absolute.AbsoluteUri, new FeedHints { Title = CleanTitle(title), PublishedAt = published }));
    }

    public ParsedFeed Result(string format, string? title, string? recovered) =>
        new(Items, NoLink) { Format = format, Title = CleanTitle(title), UnreadableDates = UnreadableDates, Recovered = recovered };

    private Uri? ResolveLink(string? link, Uri baseUri)
    {
        if (string.IsNullOrWhiteSpace(link))
        {
            return null;
        }

        var trimmed = link.Trim();
        // "/a/1" is an absolute file path to Uri on Unix; in a feed it is a path on the feed's host.
        if (trimmed[0] is not ('/' or '\\') && Uri.TryCreate(trimmed, UriKind.Absolute, out var absolute) && absolute.Scheme.Length > 1)
        {
            return absolute;
        }

        return Uri.TryCreate(baseUri ?? feedUrl, trimmed, out var resolved) ? resolved : null;
    }

    /// <summary>Titles carry escaped markup and runs of whitespace in the wild; the hint is plain text.</summary>
    internal static string? CleanTitle(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return null;
        }

        var text = title.Contains('<', StringComparison.Ordinal) ? StripTags(title) : title;
        if (text.Contains('&', StringComparison.Ordinal))
        {
            text = System.Net.WebUtility.HtmlDecode(text);
        }

        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? null : text;
    }

    /// <summary>
    /// What <c>&lt;[^&gt;]*&gt;</c> removes, in one pass: a pattern retried at each of a million <c>&lt;</c> with no
    /// <c>&gt;</c> after them takes quadratic time. A <c>&lt;</c> never closed stays, with the rest.
    /// </summary>
    internal static string StripTags(string text)
    {
        var result = new System.Text.StringBuilder(text.Length);
        var at = 0;
        while (at < text.Length)
        {
            var open = text.IndexOf('<', at);
            var close = open < 0 ? -1 : text.IndexOf('>', open + 1);
            if (close < 0)
            {
                break;
            }

            result.Append(text, at, open - at);
            at = close + 1;
        }

        return result.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>A guid or id that is a web address (feedparser's "URL-like").</summary>
    internal static bool IsUrlLike(string? value) =>
        value is not null && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
