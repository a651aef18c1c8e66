using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Cleaning.Stories;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Cleaning.Tests;

/// <summary>
/// Every page of pages/ against its golden output, and the stories the pages form. To accept a deliberate change,
/// run with WIREWATCH_UPDATE_GOLDEN=1 and review the diff of the *.expected.json files.
/// </summary>
public sealed class CorpusTests
{
    private static readonly string Folder = Path.Combine(TestPaths.RepositoryRoot, "tests", "Wirewatch.Cleaning.Tests", "pages");
    private static readonly JsonSerializerOptions Indented = new(WireJson.Options) { WriteIndented = true };

    private readonly WireArticleCleaner _cleaner = new(new CleanerOptions(), CleaningRules.Load(TestPaths.Defaults("cleaning-rules.json")));

    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (var page in Manifest().Pages)
        {
            data.Add(page.File);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Page_cleans_to_its_golden_output(string file)
    {
        var actual = Golden(_cleaner.Clean(Fetched(Manifest().Pages.Single(p => p.File == file))));
        var path = Path.Combine(Folder, file + ".expected.json");
        if (Environment.GetEnvironmentVariable("WIREWATCH_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual.ToJsonString(Indented) + "\n");
        }

        File.Exists(path).ShouldBeTrue($"{file} has no golden output; run with WIREWATCH_UPDATE_GOLDEN=1 and review it.");
        actual.ToJsonString(Indented).ShouldBe(JsonNode.Parse(File.ReadAllText(path))!.ToJsonString(Indented), file);
    }

    [Fact]
    public void Corpus_covers_six_outlets_in_html_and_text()
    {
        var pages = Manifest().Pages;
        pages.Count.ShouldBeGreaterThanOrEqualTo(25);
        pages.Select(p => new Uri(p.Url).Host.Split('.')[^2]).Distinct().Count().ShouldBeGreaterThanOrEqualTo(6);
        pages.Count(p => p.File.EndsWith(".html", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(10);
        pages.Count(p => p.File.EndsWith(".txt", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(10);
    }

    [Fact]
    public async Task Versions_and_reprints_share_a_story_and_unrelated_pages_never_do()
    {
        var manifest = Manifest();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 11, 2, 0, 0, 0, TimeSpan.Zero));
        var tracker = new StoryTracker(new InMemoryStoryStore(), time, new CleanerOptions());
        var stories = new Dictionary<string, ArticleCleaned>();
        foreach (var page in manifest.Pages)
        {
            if (_cleaner.Clean(Fetched(page)).Article is { } article)
            {
                stories[page.File] = await tracker.AssignAsync(article, CancellationToken.None);
                time.Advance(TimeSpan.FromMinutes(10));
            }
        }

        foreach (var group in manifest.Stories)
        {
            var first = stories[group[0]];
            first.UpdatesArticleId.ShouldBeNull(group[0]);
            for (var i = 1; i < group.Count; i++)
            {
                stories[group[i]].StoryId.ShouldBe(first.StoryId, $"{group[i]} continues {group[0]}");
                var earlier = group.Take(i).Select(f => stories[f].ArticleId).ToList();
                earlier.ShouldContain(stories[group[i]].UpdatesArticleId!, $"{group[i]} updates an earlier page of its story");
            }
        }

        var groupOf = manifest.Stories.SelectMany((g, i) => g.Select(f => (f, i))).ToDictionary(x => x.f, x => x.i);
        foreach (var a in stories.Keys)
        {
            foreach (var b in stories.Keys.Where(b => string.CompareOrdinal(a, b) < 0))
            {
                var together = groupOf.TryGetValue(a, out var ga) && groupOf.TryGetValue(b, out var gb) && ga == gb;
                if (!together)
                {
                    stories[a].StoryId.ShouldNotBe(stories[b].StoryId, $"{a} and {b} are different stories");
                }
            }
        }
    }

    /// <summary>
    /// The margins behind the thresholds in docs/cleaning.md: the weakest link between versions of one story and the
    /// strongest between different stories, on this corpus.
    /// </summary>
    [Fact]
    public void Story_thresholds_separate_the_corpus_with_a_margin()
    {
        var manifest = Manifest();
        var prints = manifest.Pages
            .Select(p => (p.File, Article: _cleaner.Clean(Fetched(p)).Article))
            .Where(p => p.Article is not null)
            .ToDictionary(p => p.File, p => StoryFingerprint.Of(p.Article!.Headline, p.Article.Paragraphs));
        var groupOf = manifest.Stories.SelectMany((g, i) => g.Select(f => (f, i))).ToDictionary(x => x.f, x => x.i);
        var sameStory = new List<(string, string, double, double)>();
        var different = new List<(string, string, double, double)>();
        foreach (var a in prints.Keys)
        {
            foreach (var b in prints.Keys.Where(b => string.CompareOrdinal(a, b) < 0))
            {
                var pair = (a, b, prints[a].Containment(prints[b]), prints[a].HeadlineSimilarity(prints[b]));
                (groupOf.TryGetValue(a, out var ga) && groupOf.TryGetValue(b, out var gb) && ga == gb ? sameStory : different).Add(pair);
            }
        }

        var closestDifferent = different.MaxBy(p => p.Item3);
        var mostSimilarHeadlines = different.MaxBy(p => p.Item4);
        closestDifferent.Item3.ShouldBeLessThan(StoryTracker.RewrittenCopy, $"{closestDifferent.Item1} ~ {closestDifferent.Item2}");
        different.ShouldAllBe(p => !StoryTracker.IsSameStory(p.Item3, p.Item4));
        // Every version is reachable from the first through links above the copy threshold (pages arrive in manifest order).
        sameStory.Where(p => p.Item3 >= StoryTracker.SameCopy).Count().ShouldBeGreaterThanOrEqualTo(manifest.Stories.Sum(g => g.Count - 1));
        Console.WriteLine($"different stories: max containment {closestDifferent.Item3:0.00} ({closestDifferent.Item1} ~ {closestDifferent.Item2}), max headline similarity {mostSimilarHeadlines.Item4:0.00} ({mostSimilarHeadlines.Item1} ~ {mostSimilarHeadlines.Item2})");
        foreach (var (a, b, c, h) in sameStory)
        {
            Console.WriteLine($"same story: {a} ~ {b}: containment {c:0.00}, headline {h:0.00}");
        }
    }

    private static JsonObject Golden(CleaningResult result)
    {
        if (result.Article is not { } article)
        {
            return new JsonObject { ["rejected"] = result.RejectionReason };
        }

        return new JsonObject
        {
            ["headline"] = article.Headline,
            ["flags"] = new JsonArray([.. article.Flags.Select(f => JsonValue.Create(f))]),
            ["editorNote"] = article.EditorNote,
            ["publishedAt"] = article.PublishedAt?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["dateline"] = article.Dateline is { } d ? new JsonObject { ["city"] = d.City, ["agency"] = d.Agency, ["date"] = d.Date } : null,
            ["language"] = article.Language,
            ["wordCount"] = article.WordCount,
            ["warnings"] = new JsonArray([.. article.Warnings.Select(w => JsonValue.Create(w))]),
            ["paragraphs"] = new JsonArray([.. article.Paragraphs.Select(p => JsonValue.Create(p))]),
        };
    }

    internal static ArticleFetched Fetched(CorpusPage page)
    {
        var path = Path.Combine(Folder, page.File);
        return Articles.FromText(File.ReadAllText(path), page.Url,
            page.File.EndsWith(".html", StringComparison.Ordinal) ? "text/html" : "text/plain", page.SourceId ?? "corpus");
    }

    internal static CorpusManifest Manifest() =>
        JsonSerializer.Deserialize<CorpusManifest>(File.ReadAllText(Path.Combine(Folder, "manifest.json")), WireJson.Options)!;

    internal static string PagesFolder => Folder;
}

internal sealed record CorpusManifest(IReadOnlyList<CorpusPage> Pages, IReadOnlyList<IReadOnlyList<string>> Stories);

internal sealed record CorpusPage(string File, string Url, string? SourceId);
