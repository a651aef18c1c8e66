using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wirewatch.Cleaning;
using Wirewatch.Cleaning.Stories;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>What the cleaner relies on from <see cref="IStoryStore"/>: one story id for versions and reprints, whichever replica decides.</summary>
public abstract class StoryStoreContract : StateContract
{
    protected const string Body = "North Korea fired two short-range ballistic missiles into the East Sea on Thursday, the Joint Chiefs of Staff said, " +
        "in the latest in a series of launches that came as South Korea and the United States wrapped up a joint military exercise near the border. " +
        "The missiles flew about 350 kilometers before splashing down, officials said, adding that the military has strengthened its monitoring posture.";

    protected StoryTracker Tracker() => new(Replica().GetRequiredService<IStoryStore>(), Time, new CleanerOptions());

    protected static ArticleCleaned Article(string articleId, int version = 1, string headline = "N. Korea fires two ballistic missiles into East Sea", string body = Body) => new()
    {
        ArticleId = articleId,
        Version = version,
        SourceId = "test",
        Url = $"https://wire.example/{articleId}",
        ProducedAt = Wirewatch.Tests.Shared.Articles.FixedNow,
        Headline = headline,
        Flags = [],
        Paragraphs = [body, "(END)"],
        Language = "en",
        WordCount = body.Split(' ').Length,
        Warnings = [],
    };

    [Fact]
    public async Task Versions_and_reprints_get_one_story_whichever_replica_decides()
    {
        var (first, second, third) = (Tracker(), Tracker(), Tracker());

        var original = await first.DecideAsync(Article("a"), default);
        Time.Advance(TimeSpan.FromMinutes(3));
        var reprint = await second.DecideAsync(Article("b", headline: "(LEAD) N. Korea fires 2 ballistic missiles: JCS"), default);
        Time.Advance(TimeSpan.FromMinutes(3));
        var lead = await third.DecideAsync(Article("a", version: 2, body: Body + " It was the North's fifth launch this year."), default);

        original.StoryId.ShouldBe("a");
        reprint.StoryId.ShouldBe("a", "the second replica's index caught up with the first replica's row");
        (reprint.UpdatesArticleId, reprint.UpdatesVersion).ShouldBe(("a", (int?)1));
        lead.StoryId.ShouldBe("a");
        (lead.UpdatesArticleId, lead.UpdatesVersion).ShouldBe(("a", (int?)1), "a later version of the same URL updates its previous version");
    }

    [Fact]
    public async Task A_redelivered_version_gets_the_decision_recorded_for_it()
    {
        await Tracker().DecideAsync(Article("a"), default);
        var reprint = await Tracker().DecideAsync(Article("b"), default);

        var again = await Tracker().DecideAsync(Article("b", headline: "anything else now"), default);

        again.ShouldBe(reprint);
    }

    [Fact]
    public async Task An_unrelated_article_starts_its_own_story()
    {
        await Tracker().DecideAsync(Article("a"), default);

        var other = await Tracker().DecideAsync(Article("c", headline: "Seoul stocks close higher on chip rally",
            body: "South Korean stocks closed higher on Thursday as chipmakers rallied on hopes of a recovery in memory prices, while the won " +
                  "weakened against the dollar. The benchmark index gained 1.2 percent, led by large caps, and foreigners were net buyers."), default);

        other.StoryId.ShouldBe("c");
        other.UpdatesArticleId.ShouldBeNull();
    }

    [Fact]
    public async Task Records_older_than_the_cutoff_are_pruned_and_match_nothing()
    {
        var store = Replica().GetRequiredService<IStoryStore>();
        var tracker = new StoryTracker(store, Time, new CleanerOptions());
        await tracker.DecideAsync(Article("a"), default);
        Time.Advance(TimeSpan.FromDays(15));

        (await store.PruneAsync(Time.GetUtcNow() - TimeSpan.FromDays(14), default)).ShouldBe(1);

        (await store.GetAsync("a", 1, default)).ShouldBeNull();
        (await Tracker().DecideAsync(Article("b"), default)).StoryId.ShouldBe("b", "the story it would have joined is forgotten");
    }
}

public sealed class SqliteStoryStoreContract : StoryStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => SqliteLocation.NewAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoryStoreContract(PostgresCluster cluster) : StoryStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => PostgresLocation.NewAsync(cluster);

    [Fact]
    public async Task Three_replicas_racing_on_a_storys_first_copies_create_one_story()
    {
        var replicas = Enumerable.Range(0, 3).Select(_ => Replica()).ToList();
        foreach (var replica in replicas)
        {
            await replica.GetRequiredService<IStateDatabase>().MigrateAsync(default); // warm: the race is on the story, not the first connection
        }

        var trackers = replicas.Select(r => new StoryTracker(r.GetRequiredService<IStoryStore>(), Time, new CleanerOptions())).ToList();
        for (var round = 0; round < 10; round++)
        {
            var body = StoryOfRound(round);
            using var start = new Barrier(trackers.Count);
            var decisions = await Task.WhenAll(trackers.Select((t, i) => Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                return t.DecideAsync(Article($"r{round}-{i}", headline: $"Story {round}", body: body), default);
            })));

            decisions.Select(d => d.StoryId).Distinct().Count().ShouldBe(1, $"round {round}: {string.Join(", ", decisions.Select(d => d.StoryId))}");
        }
    }

    /// <summary>A body that shares no word triple with another round's, so each round is a story of its own.</summary>
    private static string StoryOfRound(int round)
    {
        var random = new Random(round);
        return string.Join(' ', Enumerable.Range(0, 80).Select(_ => $"w{random.Next(100_000)}"));
    }

    [Fact]
    public async Task A_replica_that_dies_holding_the_decision_lock_does_not_block_the_others()
    {
        var store = Replica().GetRequiredService<IStoryStore>();
        var held = await store.LockDecisionsAsync(default);
        // The holder's session ends as a killed process's would: the server drops the lock with it.
        await using (var admin = new NpgsqlConnection(cluster.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()", admin);
            await kill.ExecuteNonQueryAsync();
        }

        var decided = await Tracker().DecideAsync(Article("a"), default).WaitAsync(TimeSpan.FromSeconds(30));

        decided.StoryId.ShouldBe("a");
        await held.DisposeAsync(); // its session is gone; releasing must not throw
    }
}
