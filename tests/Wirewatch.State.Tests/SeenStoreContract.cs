using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Fetching;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>What the fetcher relies on from <see cref="ISeenStore"/>, on every store.</summary>
public abstract class SeenStoreContract : StateContract
{
    private static readonly DateTimeOffset At = new(2026, 1, 15, 12, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public async Task A_published_article_is_remembered_with_its_version_hash_and_validators()
    {
        var store = Store<ISeenStore>();
        var validators = new HttpValidators("\"abc\"", new DateTimeOffset(2026, 1, 14, 8, 0, 0, TimeSpan.Zero));

        await store.MarkPublishedAsync(new SeenArticle("https://wire.example/a", "id-a", 1, "hash-1", validators, At), default);
        await store.MarkPublishedAsync(new SeenArticle("https://wire.example/a", "id-a", 2, "hash-2", null, At.AddMinutes(5)), default);

        var seen = (await Replica().GetRequiredService<ISeenStore>().GetAsync("https://wire.example/a", default)).ShouldNotBeNull();
        seen.Version.ShouldBe(2, "the later version replaces the earlier one");
        seen.ContentHash.ShouldBe("hash-2");
        seen.Validators.ShouldBeNull();
        seen.PublishedAt.ShouldBe(At.AddMinutes(5));
        (await store.GetAsync("https://wire.example/other", default)).ShouldBeNull();
    }

    [Fact]
    public async Task What_an_auto_source_turned_out_to_be_outlives_its_fetcher_and_a_page_never_replaces_a_feed_at_the_same_url()
    {
        const string Feed = "https://wire.example/feed";
        await Store<ISeenStore>().SaveAutoKindAsync(new AutoKind("wire", Feed, IsFeed: true, At), default);
        var other = Replica().GetRequiredService<ISeenStore>(); // A restarted or another fetcher.

        (await other.GetAutoKindAsync("wire", default)).ShouldBe(new AutoKind("wire", Feed, true, At));
        await other.SaveAutoKindAsync(new AutoKind("wire", Feed, IsFeed: false, At.AddHours(1)), default);
        await other.SaveAutoKindAsync(new AutoKind("wire", Feed, IsFeed: true, At.AddHours(2)), default);
        (await other.GetAutoKindAsync("wire", default)).ShouldBe(new AutoKind("wire", Feed, true, At),
            "a feed's error page does not make it a page, and the feed keeps the time it was first decided");

        await other.SaveAutoKindAsync(new AutoKind("wire", "https://wire.example/news", IsFeed: false, At.AddHours(3)), default);
        (await other.GetAutoKindAsync("wire", default)).ShouldBe(new AutoKind("wire", "https://wire.example/news", false, At.AddHours(3)),
            "a new URL decides afresh");
        await other.SaveAutoKindAsync(new AutoKind("wire", "https://wire.example/news", IsFeed: true, At.AddHours(4)), default);
        (await other.GetAutoKindAsync("wire", default)).ShouldNotBeNull().IsFeed.ShouldBeTrue("a page that becomes a feed is a feed");
        (await other.GetAutoKindAsync("inbox", default)).ShouldBeNull();
    }

    [Fact]
    public async Task Validators_and_robots_are_kept_per_url_and_origin()
    {
        var store = Store<ISeenStore>();
        var validators = new HttpValidators("W/\"1\"", new DateTimeOffset(2026, 1, 14, 8, 0, 0, TimeSpan.Zero));

        await store.SaveValidatorsAsync("https://wire.example/feed", validators, default);
        await store.SaveRobotsAsync(new StoredRobots("https://wire.example:443", "User-agent: *\nDisallow: /private", At), default);
        await store.SaveRobotsAsync(new StoredRobots("https://wire.example:443", "", At.AddHours(1)), default);

        (await store.GetValidatorsAsync("https://wire.example/feed", default)).ShouldBe(validators);
        (await store.GetValidatorsAsync("https://wire.example/other", default)).ShouldBeNull();
        var robots = (await store.GetRobotsAsync("https://wire.example:443", default)).ShouldNotBeNull();
        robots.Body.ShouldBe("", "the latest fetch wins");
        robots.FetchedAt.ShouldBe(At.AddHours(1));
    }

    [Fact]
    public async Task Pruning_forgets_only_articles_last_published_before_the_cutoff()
    {
        var store = Store<ISeenStore>();
        await store.MarkPublishedAsync(new SeenArticle("https://wire.example/old", "old", 1, "h", null, At.AddDays(-100)), default);
        await store.MarkPublishedAsync(new SeenArticle("https://wire.example/new", "new", 1, "h", null, At), default);

        (await store.PruneAsync(At.AddDays(-90), default)).ShouldBe(1);

        (await store.GetAsync("https://wire.example/old", default)).ShouldBeNull();
        (await store.GetAsync("https://wire.example/new", default)).ShouldNotBeNull();
    }
}

public sealed class SqliteSeenStoreContract : SeenStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => SqliteLocation.NewAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSeenStoreContract(PostgresCluster cluster) : SeenStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => PostgresLocation.NewAsync(cluster);
}
