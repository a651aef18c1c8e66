using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Alerting.Tests;

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
        alert.AlertId.ShouldBe("sanctions-desk:story-1");
        alert.PublishedAt.ShouldBe(new DateTimeOffset(2026, 1, 15, 11, 30, 0, TimeSpan.FromHours(9)));
        alert.Dateline!.City.ShouldBe("SEOUL");
        alert.Url.ShouldBe("https://wire.example/story-1");
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
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": ["x"], "channels": [ { "type": "pager" } ] } ] }""", "subscription 'a': 'channels[0]' (pager): channel type 'pager' is unknown")]
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": ["x"], "channels": [ { "type": "webhook", "url": "https://h.example/x", "secretEnv": "WIREWATCH_TEST_UNSET_VARIABLE" } ] } ] }""", "subscription 'a': 'channels[0]' (webhook): the signing secret: environment variable 'WIREWATCH_TEST_UNSET_VARIABLE' is not set")]
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": ["x"], "channels": [ { "type": "webhook", "url": "ftp://h.example/x" } ] } ] }""", "subscription 'a': 'channels[0]' (webhook): 'url' must be an absolute http(s) URL")]
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": ["x"], "channels": [ { "type": "email", "to": [] } ] } ] }""", "subscription 'a': 'channels[0]' (email): 'to' must list at least one address")]
    [InlineData("""{ "subscriptions": [ { "id": "a", "topics": ["x"], "throttle": { "maxPerHour": 0 } } ] }""", "subscription 'a': 'throttle.maxPerHour'")]
    [InlineData("""{ "subscriptions": [ """, "is not valid JSON at line 1, column 22")]
    public void A_broken_subscription_is_refused_naming_the_subscription_and_field(string json, string message)
    {
        var path = TestPaths.TempFile("subscriptions.json", json);

        Should.Throw<InvalidSubscriptionException>(() => SubscriptionCatalog.Load(path)).Message.ShouldContain(message);
    }

    [Fact]
    public void The_example_file_of_the_issue_validates_when_its_secret_is_set()
    {
        var secret = WebhookSecret.Create();
        var path = TestPaths.TempFile("subscriptions.json", IssueExample.Json.Replace("WIREWATCH_HOOK_SECRET", secret.EnvName, StringComparison.Ordinal));

        var subscription = SubscriptionCatalog.Load(path).Subscriptions.ShouldHaveSingleItem();

        subscription.Id.ShouldBe("sanctions-desk");
        subscription.Channels.Select(c => c.Type).ShouldBe(["bus", "webhook", "email"]);
        subscription.Throttle.ShouldBe(new ThrottleDefinition { MaxPerHour = 20, DigestAfter = 5 });
        subscription.Keywords!.None.ShouldBe(["football"]);
    }

    [Fact]
    public void A_webhook_secret_can_come_from_a_file_and_is_never_in_an_error_message()
    {
        var secretFile = TestPaths.TempFile("hook.secret", "not-a-whsec-secret-XYZ");
        var path = TestPaths.TempFile("subscriptions.json", $$"""{ "subscriptions": [ { "id": "a", "topics": ["x"], "channels": [ { "type": "webhook", "url": "https://h.example/x", "secretFile": "{{secretFile.Replace("\\", "/", StringComparison.Ordinal)}}" } ] } ] }""");

        var message = Should.Throw<InvalidSubscriptionException>(() => SubscriptionCatalog.Load(path)).Message;

        message.ShouldContain("must start with 'whsec_'");
        message.ShouldNotContain("XYZ");
    }

    [Fact]
    public void The_shipped_subscriptions_load()
    {
        SubscriptionCatalog.Load(TestPaths.Defaults("subscriptions.json")).Subscriptions.Count.ShouldBeGreaterThanOrEqualTo(3);
    }
}

