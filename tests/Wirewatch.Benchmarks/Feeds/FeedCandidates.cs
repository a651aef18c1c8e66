using System.Diagnostics;
using System.Globalization;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using Wirewatch.Fetching;

namespace Wirewatch.Benchmarks.Feeds;

/// <summary>
/// <c>-- feed-candidates</c>: the three feed readers issue 17 names, on the fetcher's fixture feeds
/// (tests/Wirewatch.Fetching.Tests/feeds, our own writing), each given the same decoded text: how many feeds each
/// reads, how many items with the right link, how many dates right, how many feeds throw; then the time to read all
/// fixtures 200 times (Stopwatch, same process, same run: a ratio, not an absolute figure).
/// </summary>
public static class FeedCandidates
{
    private sealed record Item(string? Link, DateTimeOffset? Date);

    private sealed record Candidate(string Name, Func<string, Uri, IReadOnlyList<Item>> Read);

    public static int Run(TextWriter output)
    {
        var folder = FindFixtures();
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))).RootElement;
        var feedUrl = new Uri(manifest.GetProperty("feedUrl").GetString()!);
        var fixtures = manifest.GetProperty("fixtures").EnumerateArray().Select(f =>
        {
            var charset = f.TryGetProperty("httpCharset", out var http) ? http.GetString() : null;
            var text = TextDecoding.Decode(File.ReadAllBytes(Path.Combine(folder, f.GetProperty("file").GetString()!)), charset, lastResort: "windows-1252").Text;
            var links = f.GetProperty("links").EnumerateArray().Select(l => l.GetString()!).ToList();
            var dates = f.GetProperty("dates").EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : DateTimeOffset.Parse(d.GetString()!, CultureInfo.InvariantCulture)).ToList();
            return (File: f.GetProperty("file").GetString()!, Text: text, Links: links, Dates: dates);
        }).ToList();

        Candidate[] candidates =
        [
            new("CodeHollow.FeedReader 2.1.1", CodeHollow),
            new("Syndication + fallbacks", Syndication),
            new("Wirewatch FeedParser", (text, url) => FeedParser.Parse(text, url).Items.Select(i => new Item(i.Url, i.Feed?.PublishedAt)).ToList()),
        ];

        output.WriteLine($"{fixtures.Count} fixture feeds, {fixtures.Sum(f => f.Links.Count)} items with a link, {fixtures.Sum(f => f.Dates.Count(d => d is not null))} readable dates");
        output.WriteLine($"{"candidate",-28} {"feeds read",10} {"threw",6} {"links right",12} {"dates right",12} {"ms x200",8}");
        foreach (var candidate in candidates)
        {
            int read = 0, threw = 0, links = 0, dates = 0;
            var failures = new List<string>();
            foreach (var fixture in fixtures)
            {
                IReadOnlyList<Item> items;
                try
                {
                    items = candidate.Read(fixture.Text, feedUrl);
                }
                catch (Exception e)
                {
                    threw++;
                    failures.Add($"{fixture.File}: {e.GetType().Name}");
                    continue;
                }

                var rightLinks = fixture.Links.Count(l => items.Any(i => i.Link == l));
                if (rightLinks == fixture.Links.Count && items.Count >= fixture.Links.Count)
                {
                    read++;
                }
                else
                {
                    failures.Add($"{fixture.File}: {rightLinks}/{fixture.Links.Count} links");
                }

                links += rightLinks;
                for (var i = 0; i < fixture.Dates.Count; i++)
                {
                    if (fixture.Dates[i] is { } expected && items.FirstOrDefault(it => it.Link == fixture.Links[i])?.Date == expected)
                    {
                        dates++;
                    }
                }
            }

            var clock = Stopwatch.StartNew();
            for (var round = 0; round < 200; round++)
            {
                foreach (var fixture in fixtures)
                {
                    try
                    {
                        candidate.Read(fixture.Text, feedUrl);
                    }
                    catch (Exception)
                    {
                        // Counted above; timed here as what it costs.
                    }
                }
            }

            output.WriteLine($"{candidate.Name,-28} {read,6}/{fixtures.Count,-3} {threw,6} {links,12} {dates,12} {clock.ElapsedMilliseconds,8}");
            foreach (var failure in failures)
            {
                output.WriteLine($"    {failure}");
            }
        }

        return 0;
    }

    private static List<Item> CodeHollow(string text, Uri feedUrl)
    {
        var feed = global::CodeHollow.FeedReader.FeedReader.ReadFromString(text);
        return feed.Items.Select(i => new Item(
            i.Link is { } link && Uri.TryCreate(feedUrl, link.Trim(), out var uri) ? uri.AbsoluteUri : null,
            i.PublishingDate is { } date ? new DateTimeOffset(date.Kind == DateTimeKind.Local ? date.ToUniversalTime() : DateTime.SpecifyKind(date, DateTimeKind.Utc)) : null)).ToList();
    }

    /// <summary>The current parser with the fallbacks it offers: DTDs ignored, our lenient dates and URIs as its parsers.</summary>
    private static List<Item> Syndication(string text, Uri feedUrl)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(text), settings);
        reader.MoveToContent();
        SyndicationFeedFormatter formatter = new Atom10FeedFormatter();
        if (!formatter.CanRead(reader))
        {
            formatter = new Rss20FeedFormatter();
        }

        formatter.DateTimeParser = (XmlDateTimeData data, out DateTimeOffset date) => FeedDates.TryParse(data.DateTimeString, out date);
        formatter.UriParser = (XmlUriData data, out Uri? uri) => Uri.TryCreate(data.UriString.Trim(), data.UriKind, out uri);
        formatter.ReadFrom(reader);
        return formatter.Feed.Items.Select(i =>
        {
            var link = i.Links.FirstOrDefault(l => l.RelationshipType is null or "alternate")?.Uri ?? (Uri.TryCreate(i.Id, UriKind.Absolute, out var id) ? id : null);
            var absolute = link is null ? null : link.IsAbsoluteUri ? link : new Uri(feedUrl, link);
            var date = i.PublishDate != default ? i.PublishDate : i.LastUpdatedTime != default ? i.LastUpdatedTime : (DateTimeOffset?)null;
            return new Item(absolute?.AbsoluteUri, date);
        }).ToList();
    }

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Wirewatch.Fetching.Tests", "feeds");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/Wirewatch.Fetching.Tests/feeds not found above " + AppContext.BaseDirectory);
    }
}
