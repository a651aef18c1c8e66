using System.Net;
using System.Text.RegularExpressions;

namespace Wirewatch.Fetching;

/// <summary>
/// RSS (0.90 to 2.0, 1.0/RDF, Userland) and Atom (0.3, 1.0) on <see cref="FeedMarkup"/>. Elements are matched by local
/// name, so any namespace (or a missing declaration) reads the same. When the document is not well-formed, the items
/// read before the error are kept, and a loose reader (regular expressions over item blocks, as feedparser's loose
/// parser does) gets a chance to find more.
/// </summary>
internal static partial class XmlFeedReader
{
    private static readonly string[] RssDates = ["pubDate", "date", "issued", "published", "created", "updated", "modified"];
    private static readonly string[] AtomDates = ["published", "issued", "created", "updated", "modified", "date"];

    public static ParsedFeed Read(string xml, Uri feedUrl)
    {
        var (root, error, openAtError) = FeedMarkup.Read(xml);
        ParsedFeed? strict = null;
        if (root is not null && Format(root) is { } format)
        {
            strict = FromTree(root, format, feedUrl, error);
        }

        if (error is null && strict is not null)
        {
            return strict;
        }

        if (error is null)
        {
            throw new FetchFailedException("invalid-feed", $"{feedUrl} is XML but not a feed: its root element is <{root?.Name}>.");
        }

        var loose = Loose(xml, feedUrl, error);
        var best = loose is not null && (strict is null || loose.Items.Count > strict.Items.Count) ? loose : strict;
        if (best is { Items.Count: > 0 })
        {
            return best;
        }

        // Broken only after everything inside the root was closed (a root end tag cut short): nothing was lost.
        if (strict is not null && openAtError <= 1)
        {
            return strict;
        }

        // A broken document that gave nothing usable is a broken feed, not an empty one.
        throw new FetchFailedException("invalid-feed", $"{feedUrl} is not a readable RSS, Atom or JSON feed: {error}");
    }

    private static string? Format(FeedElement root) => root.Local.ToLowerInvariant() switch
    {
        "rss" => root.Attribute("version") is { Length: > 0 } version ? "rss-" + version.Trim() : "rss",
        "rdf" => root.Attributes.Values.Any(v => v.Contains("my.netscape.com/rdf/simple/0.9", StringComparison.OrdinalIgnoreCase)) ? "rss-0.90" : "rss-1.0",
        "channel" => "rss",
        "feed" => root.Attribute("version") is { Length: > 0 } v ? "atom-" + v.Trim()
            : root.Attributes.Values.Any(a => a.Contains("purl.org/atom/ns#", StringComparison.OrdinalIgnoreCase)) ? "atom-0.3" : "atom-1.0",
        _ => null,
    };

    private static ParsedFeed FromTree(FeedElement root, string format, Uri feedUrl, string? error)
    {
        var items = new FeedItems(feedUrl);
        var atom = format.StartsWith("atom", StringComparison.Ordinal);
        var channel = atom ? root : root.Child("channel") ?? root;
        foreach (var entry in Entries(root, atom ? "entry" : "item"))
        {
            var baseUri = entry.BaseUri(feedUrl);
            items.Add(LinkOf(entry, atom), baseUri, entry.Child("title")?.InnerText(), DatesOf(entry, atom ? AtomDates : RssDates));
        }

        return items.Result(format, channel.Child("title")?.InnerText(), error is null ? null : $"read up to an XML error: {error}");
    }

    /// <summary>Items wherever they sit (inside the channel in RSS 2.0, beside it in RSS 0.90 and 1.0), never an item's own children.</summary>
    private static IEnumerable<FeedElement> Entries(FeedElement element, string name)
    {
        foreach (var child in element.Children)
        {
            if (child.Local.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                yield return child;
            }
            else
            {
                foreach (var nested in Entries(child, name))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<string?> DatesOf(FeedElement entry, string[] names)
    {
        if (entry.Attribute("lastmod") is { } lastModified)
        {
            yield return lastModified; // CDF
        }

        foreach (var name in names)
        {
            foreach (var field in entry.ChildrenNamed(name))
            {
                yield return field.InnerText();
            }
        }
    }

    /// <summary>
    /// The item's page: an Atom-style <c>&lt;link href&gt;</c> (alternate or no rel, first HTML-typed one preferred), else
    /// an RSS <c>&lt;link&gt;</c>'s text, else the guid when it is a permalink (or says nothing and is URL-like), else
    /// RDF's <c>rdf:about</c>, else an Atom id that is a web address. A link without href is ignored, not fatal.
    /// </summary>
    private static string? LinkOf(FeedElement entry, bool atom)
    {
        string? fallbackHref = null;
        foreach (var link in entry.ChildrenNamed("link"))
        {
            var href = link.Attribute("href");
            if (href is null)
            {
                if (!atom && link.InnerText().Trim() is { Length: > 0 } text)
                {
                    return text;
                }

                continue;
            }

            var rel = link.Attribute("rel")?.Trim().ToLowerInvariant();
            if (rel is null or "" or "alternate" && href.Trim().Length > 0)
            {
                var type = link.Attribute("type");
                if (type is null || type.Contains("html", StringComparison.OrdinalIgnoreCase))
                {
                    return href;
                }

                fallbackHref ??= href;
            }
        }

        if (fallbackHref is not null)
        {
            return fallbackHref;
        }

        foreach (var guid in entry.ChildrenNamed("guid"))
        {
            var permaLink = guid.Attribute("isPermaLink")?.Trim();
            var value = guid.InnerText().Trim();
            if (permaLink is null ? FeedItems.IsUrlLike(value) : permaLink.Equals("true", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                return value;
            }
        }

        if (entry.Attribute("about") is { Length: > 0 } about && FeedItems.IsUrlLike(about))
        {
            return about;
        }

        if (entry.Attribute("href") is { Length: > 0 } href2)
        {
            return href2; // Microsoft's CDF: <ITEM HREF="...">.
        }

        return entry.Child("id")?.InnerText() is { } id && FeedItems.IsUrlLike(id) ? id : null;
    }

    /// <summary>feedparser's loose parser, in short: item blocks found by pattern, their fields by pattern, entities decoded.</summary>
    private static ParsedFeed? Loose(string xml, Uri feedUrl, string error)
    {
        try
        {
            return LooseItems(xml, feedUrl, error);
        }
        catch (RegexMatchTimeoutException)
        {
            return null; // A pathological document: whatever the strict reader got stands.
        }
    }

    private static ParsedFeed? LooseItems(string xml, Uri feedUrl, string error)
    {
        var blocks = Block().Matches(xml);
        if (blocks.Count == 0)
        {
            return null;
        }

        var items = new FeedItems(feedUrl);
        var atom = false;
        foreach (Match block in blocks)
        {
            atom |= block.Groups["tag"].Value.Equals("entry", StringComparison.OrdinalIgnoreCase);
            var body = block.Groups["body"].Value;
            string? link = null;
            foreach (Match l in LooseLink().Matches(body))
            {
                if (l.Groups["href"].Success)
                {
                    var rel = l.Groups["rel"].Success ? l.Groups["rel"].Value : "alternate";
                    if (rel is "alternate" or "")
                    {
                        link = l.Groups["href"].Value;
                        break;
                    }
                }
                else if (l.Groups["text"].Value.Trim() is { Length: > 0 } text)
                {
                    link = text;
                    break;
                }
            }

            if (link is null && LooseGuid().Match(body) is { Success: true } guid
                && (guid.Groups["perma"].Success ? guid.Groups["perma"].Value.Equals("true", StringComparison.OrdinalIgnoreCase) : FeedItems.IsUrlLike(Text(guid.Groups["text"].Value))))
            {
                link = guid.Groups["text"].Value;
            }

            var date = LooseDate().Match(body);
            items.Add(
                link is null ? null : Text(link),
                feedUrl,
                Field(LooseTitle().Match(body)),
                date.Success ? [Text(date.Groups["text"].Value)] : []);
        }

        var feedTitle = LooseTitle().Match(xml[..blocks[0].Index]);
        return items.Result(atom ? "atom" : "rss", Field(feedTitle), $"not well-formed ({error}); read loosely");
    }

    private static string? Field(Match match) => match.Success ? Text(match.Groups["text"].Value) : null;

    private static string Text(string raw)
    {
        var cdata = Cdata().Match(raw);
        return (cdata.Success ? cdata.Groups["text"].Value : WebUtility.HtmlDecode(raw)).Trim();
    }

    [GeneratedRegex(@"<(?:\w+:)?(?<tag>item|entry)\b[^>]*>(?<body>[\s\S]*?)(?:</(?:\w+:)?\k<tag>\s*>|(?=<(?:\w+:)?(?:item|entry)\b)|$)", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Block();

    [GeneratedRegex(@"<(?:\w+:)?link\b(?=[^>]*?\bhref\s*=\s*[""'](?<href>[^""']*)[""'])(?:(?=[^>]*?\brel\s*=\s*[""'](?<rel>[^""']*)[""']))?[^>]*>|<(?:\w+:)?link\b[^>]*>(?<text>[\s\S]*?)</(?:\w+:)?link\s*>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex LooseLink();

    [GeneratedRegex(@"<(?:\w+:)?guid\b(?:[^>]*?\bisPermaLink\s*=\s*[""'](?<perma>\w+)[""'])?[^>]*>(?<text>[\s\S]*?)</(?:\w+:)?guid\s*>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex LooseGuid();

    [GeneratedRegex(@"<(?:\w+:)?title\b[^>]*>(?<text>[\s\S]*?)</(?:\w+:)?title\s*>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex LooseTitle();

    [GeneratedRegex(@"<(?:\w+:)?(?:pubDate|date|published|issued|updated|modified)\b[^>]*>(?<text>[\s\S]*?)</(?:\w+:)?(?:pubDate|date|published|issued|updated|modified)\s*>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex LooseDate();

    [GeneratedRegex(@"^\s*<!\[CDATA\[(?<text>[\s\S]*?)(?:\]\]>|$)")]
    private static partial Regex Cdata();
}
