using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Alerting.Tests;

internal static class Classified
{
    public static ArticleClassified Article(double sanctions, double defense = 0.1, int version = 1, string source = "yonhap-nk", string summary = "Lead paragraph.") => new()
    {
        ArticleId = "a1",
        Version = version,
        StoryId = "story-1",
        SourceId = source,
        Url = "https://wire.example/a1",
        ProducedAt = Articles.FixedNow,
        Headline = "Council adopts new measures",
        Summary = summary,
        Topics =
        [
            new TopicScore { Topic = "sanctions", Score = sanctions, Match = sanctions >= 0.5, Evidence = [new Evidence { Term = "sanctions", Count = 3, Snippet = "The council adopted sanctions." }] },
            new TopicScore { Topic = "defense", Score = defense, Match = defense >= 0.5, Evidence = [] },
        ],
        Entities = new Entities { Organizations = ["U.N. Security Council"], Resolutions = ["2270"] },
        ClassifierVersion = "test",
    };

    public static Subscription Sanctions() => new() { Id = "sanctions-desk", Topics = ["sanctions"], MinScore = 0.6 };
}

public sealed class SubscriptionMatcherTests
{
    private readonly SubscriptionMatcher _matcher = new();

    [Theory]
    [InlineData(0.95, "high")]
    [InlineData(0.75, "medium")]
    [InlineData(0.62, "low")]
    public void Severity_follows_the_top_matched_score(double score, string severity)
    {
        var alert = _matcher.Match(Classified.Article(score), Classified.Sanctions(), Articles.FixedNow);

        alert.ShouldNotBeNull();
        alert.Severity.ShouldBe(severity);
        AlertRouting.KeyFor(alert).ShouldBe($"sanctions.{severity}");
    }

    [Fact]
    public void An_alert_says_why_it_fired()
    {
        var alert = _matcher.Match(Classified.Article(0.9), Classified.Sanctions(), Articles.FixedNow)!;

        alert.SubscriptionId.ShouldBe("sanctions-desk");
        alert.Topics.ShouldBe([new AlertTopic { Topic = "sanctions", Score = 0.9 }]);
        alert.Evidence.ShouldBe([new AlertEvidence { Topic = "sanctions", Term = "sanctions", Count = 3, Snippet = "The council adopted sanctions." }]);
        alert.AlertId.ShouldBe("sanctions-desk:story-1:v1");
        alert.Summary.ShouldBe("Lead paragraph.");
    }

    [Fact]
    public void Below_min_score_or_unmatched_topics_raise_nothing()
    {
        _matcher.Match(Classified.Article(0.55), Classified.Sanctions(), Articles.FixedNow).ShouldBeNull();
        _matcher.Match(Classified.Article(0.2, defense: 0.9), Classified.Sanctions(), Articles.FixedNow).ShouldBeNull();
    }

    [Fact]
    public void Match_all_needs_every_topic()
    {
        var both = new Subscription { Id = "both", Topics = ["sanctions", "defense"], Match = "all" };

        _matcher.Match(Classified.Article(0.9, defense: 0.3), both, Articles.FixedNow).ShouldBeNull();
        _matcher.Match(Classified.Article(0.9, defense: 0.8), both, Articles.FixedNow)!.Topics.Count.ShouldBe(2);
    }

    [Fact]
    public void Keyword_entity_and_source_filters_apply()
    {
        var article = Classified.Article(0.9, summary: "The football club faces sanctions.");

        _matcher.Match(article, Classified.Sanctions() with { Keywords = new KeywordFilter { None = ["football"] } }, Articles.FixedNow).ShouldBeNull();
        _matcher.Match(article, Classified.Sanctions() with { Keywords = new KeywordFilter { Any = ["club"] } }, Articles.FixedNow).ShouldNotBeNull();
        _matcher.Match(article, Classified.Sanctions() with { Entities = ["U.N. Security Council"] }, Articles.FixedNow).ShouldNotBeNull();
        _matcher.Match(article, Classified.Sanctions() with { Entities = ["NATO"] }, Articles.FixedNow).ShouldBeNull();
        _matcher.Match(article, Classified.Sanctions() with { Sources = ["other-wire"] }, Articles.FixedNow).ShouldBeNull();
    }
}

public sealed class SubscriptionCatalogTests
{
    [Theory]
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": [] } ] }""", "subscription 'a': 'topics'")]
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": ["sanctions"], "minScore": 2 } ] }""", "subscription 'a': 'minScore'")]
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": ["sanctions"], "match": "some" } ] }""", "subscription 'a': 'match'")]
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": ["x"] }, { "id": "a", "topics": ["x"] } ] }""", "subscription 'a': 'id'")]
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": ["x"], "channels": [ { "type": "pager" } ] } ] }""", "channel type 'pager'")]
    [InlineData("""{ "subscriptions": [ """, "Cannot read subscriptions file")]
    public void A_broken_subscription_is_refused_naming_the_subscription_and_field(string json, string message)
    {
        var path = TestPaths.TempFile("subscriptions.json", json);

        Should.Throw<InvalidSubscriptionException>(() => SubscriptionCatalog.Load(path)).Message.ShouldContain(message);
    }

    [Fact]
    public void The_shipped_subscriptions_load()
    {
        SubscriptionCatalog.Load(TestPaths.Defaults("subscriptions.json")).Subscriptions.Count.ShouldBeGreaterThanOrEqualTo(3);
    }
}

public sealed class AlertLedgerTests
{
    private static AlertRaised Alert(int version = 1) => new SubscriptionMatcher().Match(Classified.Article(0.9, version: version), Classified.Sanctions(), Articles.FixedNow)!;

    [Fact]
    public async Task A_delivered_alert_is_never_delivered_again()
    {
        var ledger = new SqliteAlertLedger(Path.Combine(TestPaths.TempFolder("ledger"), "wirewatch.db"));
        var deliveries = 0;

        (await ledger.DeliverOnceAsync(Alert(), (_, _) => { deliveries++; return Task.CompletedTask; }, Articles.FixedNow, default)).ShouldBeTrue();
        (await ledger.DeliverOnceAsync(Alert(), (_, _) => { deliveries++; return Task.CompletedTask; }, Articles.FixedNow, default)).ShouldBeFalse();

        deliveries.ShouldBe(1);
    }

    [Fact]
    public async Task A_delivery_that_failed_is_made_again_so_no_alert_is_lost()
    {
        var ledger = new SqliteAlertLedger(Path.Combine(TestPaths.TempFolder("ledger"), "wirewatch.db"));

        await Should.ThrowAsync<IOException>(() => ledger.DeliverOnceAsync(Alert(), (_, _) => throw new IOException("channel down"), Articles.FixedNow, default));

        (await ledger.DeliverOnceAsync(Alert(), (_, _) => Task.CompletedTask, Articles.FixedNow, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task Two_ledgers_on_one_file_racing_on_an_alert_deliver_it_exactly_once()
    {
        var path = Path.Combine(TestPaths.TempFolder("ledger"), "wirewatch.db");
        var ledgers = new[] { new SqliteAlertLedger(path), new SqliteAlertLedger(path) };
        var deliveries = 0;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => ledgers[i % 2].DeliverOnceAsync(
            Alert(),
            async (_, _) =>
            {
                Interlocked.Increment(ref deliveries);
                await Task.Yield(); // Give the racers a chance to overlap the delivery.
            },
            Articles.FixedNow,
            default))));

        deliveries.ShouldBe(1);
    }

    [Fact]
    public async Task A_later_version_of_an_alerted_story_is_delivered_as_an_update()
    {
        var ledger = new SqliteAlertLedger(Path.Combine(TestPaths.TempFolder("ledger"), "wirewatch.db"));
        var updates = new List<bool>();

        await ledger.DeliverOnceAsync(Alert(version: 1), (isUpdate, _) => { updates.Add(isUpdate); return Task.CompletedTask; }, Articles.FixedNow, default);
        await ledger.DeliverOnceAsync(Alert(version: 2), (isUpdate, _) => { updates.Add(isUpdate); return Task.CompletedTask; }, Articles.FixedNow, default);

        updates.ShouldBe([false, true]);
    }
}

public sealed class RaiseAlertsConsumerTests : IAsyncLifetime
{
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var catalog = new SubscriptionCatalog([Classified.Sanctions()]);
        _provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(Articles.FixedNow))
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>))
            .AddAlerter(catalog, Path.Combine(TestPaths.TempFolder("alerter"), "wirewatch.db"))
            .AddMassTransitTestHarness(x => x.AddAlerterConsumer())
            .BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        _harness.TestTimeout = TimeSpan.FromSeconds(10);
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task A_redelivered_classification_raises_no_second_alert()
    {
        var article = Classified.Article(0.9);

        await _harness.Bus.Publish(article);
        await _harness.Bus.Publish(article);

        var consumer = _harness.GetConsumerHarness<RaiseAlertsConsumer>();
        await Eventually.True(() => consumer.Consumed.Select<ArticleClassified>().Count() == 2, "both deliveries consumed");
        _harness.Published.Select<AlertRaised>().Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_new_version_of_an_alerted_story_is_sent_as_an_update()
    {
        await _harness.Bus.Publish(Classified.Article(0.9));
        (await _harness.Published.Any<AlertRaised>(x => x.Context.Message.Version == 1)).ShouldBeTrue();

        await _harness.Bus.Publish(Classified.Article(0.95, version: 2));

        (await _harness.Published.Any<AlertRaised>(x => x.Context.Message.Version == 2)).ShouldBeTrue();
        var update = _harness.Published.Select<AlertRaised>().Single(x => x.Context.Message.Version == 2).Context.Message;
        update.IsUpdate.ShouldBeTrue();
        update.AlertId.ShouldBe("sanctions-desk:story-1:v2");
    }

    [Fact]
    public async Task An_article_for_no_subscription_raises_nothing()
    {
        await _harness.Bus.Publish(Classified.Article(0.1));

        (await _harness.GetConsumerHarness<RaiseAlertsConsumer>().Consumed.Any<ArticleClassified>()).ShouldBeTrue();
        _harness.Published.Select<AlertRaised>().ShouldBeEmpty();
    }
}
