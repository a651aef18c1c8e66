using System.ServiceModel.Syndication;
using System.Xml;
using Wirewatch.Contracts;

namespace Wirewatch.Fetching;

/// <summary>RSS and Atom through System.ServiceModel.Syndication, with DTDs prohibited (no XXE, no entity bombs).</summary>
public static class FeedParser
{
    public static bool LooksLikeFeed(string contentType, string text)
    {
        if (contentType.Contains("rss", StringComparison.OrdinalIgnoreCase) || contentType.Contains("atom", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var head = text.AsSpan(0, Math.Min(text.Length, 1024)).TrimStart();
        return head.StartsWith("<?xml", StringComparison.Ordinal)
            && (head.Contains("<rss", StringComparison.Ordinal) || head.Contains("<feed", StringComparison.Ordinal) || head.Contains("<rdf:RDF", StringComparison.Ordinal));
    }

    /// <summary>The items' links (absolute, resolved against the feed URL) with the feed's title and time for each.</summary>
    public static ParsedFeed Parse(string xml, Uri feedUrl)
    {
        SyndicationFeed feed;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersFromEntities = 0 };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            feed = SyndicationFeed.Load(reader);
        }
        catch (Exception e) when (e is XmlException or InvalidOperationException or FormatException or NotSupportedException or ArgumentException)
        {
            throw new FetchFailedException("invalid-feed", $"{feedUrl} is not a valid RSS or Atom feed: {e.Message}", e);
        }

        var items = new List<SourceItem>();
        var skipped = 0;
        foreach (var item in feed.Items)
        {
            var link = item.Links.FirstOrDefault(l => l.RelationshipType is null or "alternate")?.Uri
                       ?? (Uri.TryCreate(item.Id, UriKind.Absolute, out var id) ? id : null);
            if (link is null)
            {
                skipped++;
                continue;
            }

            var absolute = link.IsAbsoluteUri ? link : new Uri(feedUrl, link);
            var published = item.PublishDate != default ? item.PublishDate : item.LastUpdatedTime != default ? item.LastUpdatedTime : (DateTimeOffset?)null;
            items.Add(new SourceItem(absolute.AbsoluteUri, new FeedHints { Title = item.Title?.Text, PublishedAt = published }));
        }

        return new ParsedFeed(items, skipped);
    }
}

/// <summary>The items of a feed (links not yet trusted: each is checked when fetched) and how many entries had no link.</summary>
public sealed record ParsedFeed(IReadOnlyList<SourceItem> Items, int Skipped);
