using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting;
using Wirewatch.ArticleStore;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>What the console relies on from <see cref="IArticleStore"/> (FTS5 on SQLite, tsvector on PostgreSQL), on every store.</summary>
public abstract class ArticleStoreContract : StateContract
{
    private static ArticleCleaned Cleaned(string id, int version, string headline, params string[] paragraphs) => new()
    {
        ArticleId = id, Version = version, StoryId = "story-" + id, SourceId = "test", Url = $"https://wire.example/{id}", ProducedAt = Articles.FixedNow,
        Headline = headline, Flags = [], Paragraphs = paragraphs, Language = "en", WordCount = 10, Warnings = [],
    };

    private static ArticleClassified Classified(string id, int version, string headline, string topic, double score) => new()
    {
        ArticleId = id, Version = version, StoryId = "story-" + id, SourceId = "test", Url = $"https://wire.example/{id}", ProducedAt = Articles.FixedNow,
        Headline = headline,
        Topics = [new TopicScore { Topic = topic, Score = score, Match = score >= 0.5, Evidence = [new Evidence { Term = topic, Count = 1, Snippet = headline }] }],
        Entities = new Entities(), ClassifierVersion = "test",
    };

    private static AlertRaised Alert(string id) => new()
    {
        AlertId = id, SubscriptionId = "desk", Severity = "high", Topics = [new AlertTopic { Topic = "sanctions", Score = 0.9 }], Headline = "h",
        Url = "https://wire.example/a", Evidence = [], IsUpdate = false, ArticleId = "a", Version = 1, SourceId = "test", ProducedAt = Articles.FixedNow,
    };

    [Fact]
    public async Task A_redelivered_message_writes_nothing_twice()
    {
        var store = Store<IArticleStore>();
        for (var copy = 0; copy < 3; copy++)
        {
            await store.RecordCleanedAsync(Cleaned("a", 1, "Embargo widened", "The embargo now covers coal."), default);
            await store.RecordClassifiedAsync(Classified("a", 1, "Embargo widened", "sanctions", 0.8), default);
            await store.RecordAlertAsync(Alert("desk:story-a"), default);
        }

        (await store.SearchAsync(new ArticleQuery(), default)).Count.ShouldBe(1);
        (await store.SearchAsync(new ArticleQuery("coal"), default)).Count.ShouldBe(1, "one full-text row per version, however often it was recorded");
        (await store.AlertsAsync(null, null, 100, default)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Cleaned_and_classified_halves_meet_in_one_row_in_either_order()
    {
        var store = Store<IArticleStore>();
        await store.RecordClassifiedAsync(Classified("b", 1, "Drills resume", "defense", 0.7), default);
        await store.RecordCleanedAsync(Cleaned("b", 1, "Drills resume", "Artillery drills resumed near the border."), default);
        var article = (await store.VersionsAsync("b", default)).ShouldHaveSingleItem();
        article.Paragraphs.ShouldBe(["Artillery drills resumed near the border."]);
        article.MatchedTopics.Select(t => t.Topic).ShouldBe(["defense"]);
        (await store.SearchAsync(new ArticleQuery("artillery"), default)).Select(a => a.ArticleId).ShouldBe(["b"]);
    }

    [Fact]
    public async Task Search_treats_query_syntax_as_words_and_filters_by_topic_and_time()
    {
        var store = Store<IArticleStore>();
        await store.RecordCleanedAsync(Cleaned("c", 1, "Asset freeze on NEAR shipping firms", "Freeze on three firms."), default);
        await store.RecordClassifiedAsync(Classified("c", 1, "Asset freeze on NEAR shipping firms", "sanctions", 0.9), default);
        Time.Advance(TimeSpan.FromDays(2));
        await store.RecordClassifiedAsync(Classified("d", 1, "Parade in Pyongyang", "defense", 0.6), default);

        (await store.SearchAsync(new ArticleQuery("\"NEAR( freeze"), default)).Select(a => a.ArticleId).ShouldBe(["c"]);
        (await store.SearchAsync(new ArticleQuery("firms -"), default)).Select(a => a.ArticleId).ShouldBe(["c"]);
        (await store.SearchAsync(new ArticleQuery(Topic: "sanctions"), default)).Select(a => a.ArticleId).ShouldBe(["c"]);
        (await store.SearchAsync(new ArticleQuery(Topic: "sanction"), default)).ShouldBeEmpty("a topic filter matches whole topic ids");
        (await store.SearchAsync(new ArticleQuery(Since: Time.GetUtcNow().AddDays(-1)), default)).Select(a => a.ArticleId).ShouldBe(["d"]);
        (await store.SearchAsync(new ArticleQuery(), default)).Select(a => a.ArticleId).ShouldBe(["d", "c"], "newest first");
    }

    [Fact]
    public async Task Pruning_removes_what_is_older_than_the_cutoff_and_keeps_the_rest()
    {
        var store = Store<IArticleStore>();
        await store.RecordCleanedAsync(Cleaned("old", 1, "Old story", "Old text."), default);
        await store.RecordAlertAsync(Alert("desk:old"), default);
        Time.Advance(TimeSpan.FromDays(40));
        await store.RecordCleanedAsync(Cleaned("new", 1, "New story", "New text."), default);

        (await store.PruneAsync(Time.GetUtcNow().AddDays(-30), default)).ShouldBe(1);
        (await store.SearchAsync(new ArticleQuery(), default)).Select(a => a.ArticleId).ShouldBe(["new"]);
        (await store.SearchAsync(new ArticleQuery("old"), default)).ShouldBeEmpty();
        (await store.AlertsAsync(null, null, 100, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Alerts_show_what_each_channel_did_also_for_alerts_that_never_went_on_the_bus()
    {
        var replica = Replica();
        var store = replica.GetRequiredService<IArticleStore>();
        var ledger = replica.GetRequiredService<IAlertLedger>();
        await store.RecordAlertAsync(Alert("desk:story-bus"), default);
        var raised = (await ledger.RaiseAsync(Alert("desk:story-hook") with { StoryId = "story-hook", ArticleId = "hook" }, default)).ShouldNotBeNull();
        await ledger.DeliverOnceAsync(raised.Alert, "webhook:https://hooks.example/gone", _ => Task.FromResult(ChannelResult.Failed("rejected", "HTTP 400")), default);

        var alerts = await store.AlertsAsync("desk", null, 10, default);
        alerts.Select(a => a.Alert.AlertId).Order(StringComparer.Ordinal).ShouldBe(["desk:story-bus", "desk:story-hook"]);
        var hook = alerts.Single(a => a.Alert.AlertId == "desk:story-hook").Channels.ShouldHaveSingleItem();
        hook.State.ShouldBe("dead-lettered");
        hook.Reason.ShouldBe("rejected");
        (await store.AlertsAsync(null, "hook", 10, default)).Select(a => a.Alert.AlertId).ShouldBe(["desk:story-hook"]);
        (await store.AlertsAsync("other-desk", null, 10, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_channel_that_failed_and_was_tried_again_shows_as_retried_not_as_delivered_or_dead_lettered()
    {
        var replica = Replica();
        var store = replica.GetRequiredService<IArticleStore>();
        var ledger = replica.GetRequiredService<IAlertLedger>();
        var raised = (await ledger.RaiseAsync(Alert("desk:story-retry") with { StoryId = "story-retry", ArticleId = "retry" }, default)).ShouldNotBeNull();
        var firstTime = (await ledger.RaiseAsync(Alert("desk:story-first") with { StoryId = "story-first", ArticleId = "first" }, default)).ShouldNotBeNull();
        await ledger.DeliverOnceAsync(firstTime.Alert, "webhook:https://hooks.example/a", _ => Task.FromResult(ChannelResult.Delivered), default);

        // The first attempt throws (the consumer's message is redelivered): the channel is being retried.
        await Should.ThrowAsync<HttpRequestException>(() => ledger.DeliverOnceAsync(raised.Alert, "webhook:https://hooks.example/a", _ => throw new HttpRequestException("connection refused"), default));
        var pending = await ChannelAsync(store, "desk:story-retry");
        pending.State.ShouldBe(ChannelDelivery.Retried);
        pending.Attempts.ShouldBe(1);
        pending.Summary.ShouldContain("connection refused");

        // The redelivery gets through: still "retried" (delivered on attempt 2), so an operator sees the trouble it had.
        (await ledger.DeliverOnceAsync(raised.Alert, "webhook:https://hooks.example/a", _ => Task.FromResult(ChannelResult.Delivered), default)).ShouldBe(DeliveryOutcome.Delivered);
        var delivered = await ChannelAsync(store, "desk:story-retry");
        delivered.State.ShouldBe(ChannelDelivery.Retried);
        delivered.Attempts.ShouldBe(2);
        delivered.Summary.ShouldBe("delivered on attempt 2");

        (await ChannelAsync(store, "desk:story-first")).State.ShouldBe(ChannelDelivery.Delivered, "one attempt that got through is plainly delivered");
    }

    [Fact]
    public async Task A_dead_letter_replayed_successfully_shows_as_retried_and_one_still_failing_stays_dead_lettered()
    {
        var replica = Replica();
        var store = replica.GetRequiredService<IArticleStore>();
        var ledger = replica.GetRequiredService<IAlertLedger>();
        var fixedLater = (await ledger.RaiseAsync(Alert("desk:story-fixed") with { StoryId = "story-fixed", ArticleId = "fixed" }, default)).ShouldNotBeNull();
        var stillBroken = (await ledger.RaiseAsync(Alert("desk:story-broken") with { StoryId = "story-broken", ArticleId = "broken" }, default)).ShouldNotBeNull();
        foreach (var alert in new[] { fixedLater.Alert, stillBroken.Alert })
        {
            await ledger.DeliverOnceAsync(alert, "webhook:https://hooks.example/b", _ => Task.FromResult(ChannelResult.Failed("rejected", "HTTP 400")), default);
        }

        await ledger.DeliverOnceAsync(fixedLater.Alert, "webhook:https://hooks.example/b", _ => Task.FromResult(ChannelResult.Delivered), default, replay: true);
        await ledger.DeliverOnceAsync(stillBroken.Alert, "webhook:https://hooks.example/b", _ => Task.FromResult(ChannelResult.Failed("rejected", "HTTP 400")), default, replay: true);

        var fixedChannel = await ChannelAsync(store, "desk:story-fixed");
        fixedChannel.State.ShouldBe(ChannelDelivery.Retried);
        fixedChannel.Summary.ShouldBe("delivered on attempt 2");
        var brokenChannel = await ChannelAsync(store, "desk:story-broken");
        brokenChannel.State.ShouldBe(ChannelDelivery.DeadLettered);
        brokenChannel.Summary.ShouldBe("rejected after 2 attempts");
    }

    private static async Task<ChannelDelivery> ChannelAsync(IArticleStore store, string alertId) =>
        (await store.AlertsAsync("desk", null, 10, default)).Single(a => a.Alert.AlertId == alertId).Channels.ShouldHaveSingleItem();
}

public sealed class SqliteArticleStoreContract : ArticleStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => SqliteLocation.NewAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresArticleStoreContract(PostgresCluster cluster) : ArticleStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => PostgresLocation.NewAsync(cluster);
}
