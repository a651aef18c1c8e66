using Microsoft.Extensions.Time.Testing;
using Wirewatch.Cleaning.Stories;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.State.Sqlite;

namespace Wirewatch.Cleaning.Tests;

public sealed class StoryTrackerTests
{
    private static readonly string[] Body =
    [
        "The defense ministry said on Tuesday that it would hold a joint exercise with the navy next month near the southern coast, involving more than 20 ships.",
        "The drills are meant to test the response to an attack on the country's ports and will include a live-fire segment, the ministry said.",
    ];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_new_version_of_the_same_url_continues_the_story_and_updates_the_previous_version()
    {
        var tracker = new StoryTracker(new InMemoryStoryStore(), _time, new CleanerOptions());

        var first = await tracker.AssignAsync(Article("a1", 1, "Navy to hold drills", Body), CancellationToken.None);
        var second = await tracker.AssignAsync(Article("a1", 2, "Navy to hold drills", ["A rewritten body that shares nothing with the first one at all."]), CancellationToken.None);

        first.StoryId.ShouldBe("a1");
        first.UpdatesArticleId.ShouldBeNull();
        second.StoryId.ShouldBe("a1");
        (second.UpdatesArticleId, second.UpdatesVersion).ShouldBe(("a1", (int?)1));
    }

    [Fact]
    public async Task A_redelivered_version_gets_the_same_answer()
    {
        var tracker = new StoryTracker(new InMemoryStoryStore(), _time, new CleanerOptions());
        await tracker.AssignAsync(Article("a1", 1, "Navy to hold drills", Body), CancellationToken.None);
        var reprint = Article("b1", 1, "Navy plans exercise off south coast", Body);

        var once = await tracker.AssignAsync(reprint, CancellationToken.None);
        var twice = await tracker.AssignAsync(reprint, CancellationToken.None);

        once.StoryId.ShouldBe("a1");
        twice.ShouldBe(once);
    }

    [Fact]
    public async Task Fingerprints_older_than_the_retention_are_pruned_and_no_longer_matched()
    {
        var store = new InMemoryStoryStore();
        var tracker = new StoryTracker(store, _time, new CleanerOptions { StoryRetention = TimeSpan.FromDays(14) });
        await tracker.AssignAsync(Article("a1", 1, "Navy to hold drills", Body), CancellationToken.None);

        _time.Advance(TimeSpan.FromDays(15));
        var late = await tracker.AssignAsync(Article("b1", 1, "Navy to hold drills", Body), CancellationToken.None);

        late.StoryId.ShouldBe("b1", "a copy seen after the retention starts a story of its own");
        (await store.GetAsync("a1", 1, CancellationToken.None)).ShouldBeNull("pruned");
    }

    [Fact]
    public async Task Sqlite_store_keeps_fingerprints_across_instances_and_prunes_them()
    {
        var path = Path.Combine(TestPaths.TempFolder("stories"), "wirewatch.db");
        var first = new StoryTracker(new SqliteStoryStore(path), _time, new CleanerOptions());
        await first.AssignAsync(Article("a1", 1, "Navy to hold drills", Body), CancellationToken.None);

        var restarted = new StoryTracker(new SqliteStoryStore(path), _time, new CleanerOptions());
        var reprint = await restarted.AssignAsync(Article("b1", 1, "Navy plans exercise off south coast", Body), CancellationToken.None);

        reprint.StoryId.ShouldBe("a1");
        (reprint.UpdatesArticleId, reprint.UpdatesVersion).ShouldBe(("a1", (int?)1));
        var store = new SqliteStoryStore(path);
        (await store.PruneAsync(_time.GetUtcNow().AddSeconds(1), CancellationToken.None)).ShouldBe(2);
        (await store.RecentAsync(DateTimeOffset.MinValue, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task With_thousands_of_unrelated_stories_stored_the_indexed_store_decides_as_a_scan_of_every_story()
    {
        var sqlite = new SqliteStoryStore(Path.Combine(TestPaths.TempFolder("stories-many"), "wirewatch.db"));
        var scan = new InMemoryStoryStore();
        var random = new Random(9);
        var now = _time.GetUtcNow();
        var bodies = new string[2000];
        for (var i = 0; i < bodies.Length; i++)
        {
            // Unrelated stories that still share the wire's stock phrases, as real ones do.
            bodies[i] = UnrelatedBody(random);
            var record = new StoryRecord($"u{i}", 1, $"u{i}", $"Story {i}", StoryFingerprint.Of($"Story {i}", [bodies[i]]),
                now.AddMinutes(-i), null, null);
            await sqlite.AddAsync(record, CancellationToken.None);
            await scan.AddAsync(record, CancellationToken.None);
        }

        var indexed = new StoryTracker(sqlite, _time, new CleanerOptions());
        var reference = new StoryTracker(scan, _time, new CleanerOptions());
        ArticleCleaned[] arrivals =
        [
            Article("a1", 1, "Navy to hold drills", Body),
            Article("b1", 1, "Navy plans exercise off south coast", Body), // a reprint
            Article("c1", 1, "Navy to hold drills near southern coast", [Body[0]]), // rewritten: half the copy, a similar headline
            Article("d1", 1, "Budget to rise", [UnrelatedBody(random)]), // a new story
            Article("a1", 2, "Navy to hold drills", [.. Body, "More ships will join."]), // a new version
            Article("e1", 1, "Story 1500 reprinted", [bodies[1500]]), // a reprint of one story among the thousands
        ];

        foreach (var article in arrivals)
        {
            var expected = await reference.DecideAsync(article, CancellationToken.None);
            (await indexed.DecideAsync(article, CancellationToken.None)).ShouldBe(expected, article.ArticleId);
        }

        (await indexed.DecideAsync(arrivals[1], CancellationToken.None)).StoryId.ShouldBe("a1");
        (await indexed.DecideAsync(arrivals[3], CancellationToken.None)).StoryId.ShouldBe("d1");
        (await indexed.DecideAsync(arrivals[5], CancellationToken.None)).StoryId.ShouldBe("u1500");
    }

    [Fact]
    public async Task A_sqlite_store_finds_candidates_written_by_another_instance_after_its_index_was_built()
    {
        var path = Path.Combine(TestPaths.TempFolder("stories-shared"), "wirewatch.db");
        var reader = new SqliteStoryStore(path);
        var writer = new SqliteStoryStore(path);
        var fingerprint = StoryFingerprint.Of("Navy to hold drills", Body);
        (await reader.CandidatesAsync(fingerprint, "b1", StoryTracker.RewrittenCopy, DateTimeOffset.MinValue, CancellationToken.None))
            .ShouldBeEmpty("nothing stored yet; this query builds the index");

        await writer.AddAsync(new StoryRecord("a1", 1, "a1", "Navy to hold drills", fingerprint, _time.GetUtcNow(), null, null), CancellationToken.None);

        (await reader.CandidatesAsync(fingerprint, "b1", StoryTracker.RewrittenCopy, DateTimeOffset.MinValue, CancellationToken.None))
            .Select(r => r.ArticleId).ShouldBe(["a1"]);
        (await reader.CandidatesAsync(fingerprint, "a1", StoryTracker.RewrittenCopy, DateTimeOffset.MinValue, CancellationToken.None))
            .ShouldBeEmpty("an article is never its own candidate");
    }

    private static string UnrelatedBody(Random random)
    {
        var words = Enumerable.Range(0, 40).Select(_ => Word(random));
        return "Officials said on Tuesday that " + string.Join(' ', words) + ", the ministry said.";
    }

    private static string Word(Random random) => string.Concat(Enumerable.Range(0, random.Next(3, 9)).Select(_ => (char)('a' + random.Next(26))));

    [Fact]
    public void Fingerprint_containment_is_high_for_a_superset_and_low_for_shared_stock_phrases()
    {
        var original = StoryFingerprint.Of("Navy to hold drills", Body);
        var extended = StoryFingerprint.Of("(LEAD) Navy to hold drills", [.. Body, "Officials added that allied ships from two countries would also take part in a separate exercise in the summer."]);
        var other = StoryFingerprint.Of("Ministry says budget to rise", ["The defense ministry said on Tuesday that its budget would rise by 5 percent next year to pay for new fighter jets and radar systems."]);

        original.Containment(extended).ShouldBeGreaterThan(StoryTracker.SameCopy);
        original.Containment(other).ShouldBeLessThan(StoryTracker.RewrittenCopy);
    }

    private static ArticleCleaned Article(string id, int version, string headline, string[] paragraphs) => new()
    {
        ArticleId = id, Version = version, SourceId = "test", Url = "https://wire.example/" + id, ProducedAt = Articles.FixedNow,
        Headline = headline, Flags = [], Paragraphs = paragraphs, Language = "en", WordCount = 50, Warnings = [],
    };
}
