using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Alerting;
using Wirewatch.Contracts;
using Wirewatch.Hosting;
using Wirewatch.Worker.Composition;
using Wirewatch.Tests.Shared;

namespace Wirewatch.WebConsole.Tests;

public sealed class SubscriptionsTests
{
    private static readonly SubscriptionVocabulary Vocabulary = ConsoleComposition.Vocabulary(TestPaths.Defaults("topics.json"), TestPaths.Defaults("entities.json"));

    [Theory]
    [InlineData("""{"id":"a","topics":["sanctionz"]}""", "subscription 'a': 'topics[0]' 'sanctionz' is not a topic of the taxonomy (known: defense, human_rights, sanctions).")]
    [InlineData("""{"id":"b","topics":["sanctions"],"entities":["Kim Jong-un","Atlantis Council"]}""", "subscription 'b': 'entities[1]' 'Atlantis Council' is not in the entity gazetteer")]
    [InlineData("""{"id":"c","topics":["sanctions"],"channels":[]}""", "subscription 'c': 'channels' must name at least one channel.")]
    [InlineData("""{"id":"d","topics":["sanctions"],"channels":[{"type":"webhook","url":"https://h.example/x","secretEnv":"WIREWATCH_TEST_UNSET_SECRET"}]}""", "subscription 'd': 'channels[0]' (webhook): the signing secret")]
    public void An_invalid_subscription_is_refused_naming_the_field(string subscription, string message) =>
        Should.Throw<InvalidSubscriptionException>(() => SubscriptionCatalog.FromJson($$"""{"subscriptions":[{{subscription}}]}""", Vocabulary)).Message.ShouldContain(message);

    [Fact]
    public void Resolution_numbers_and_gazetteer_names_are_known_entities()
    {
        var catalog = SubscriptionCatalog.FromJson("""{"subscriptions":[{"id":"un","topics":["sanctions"],"entities":["2270","u.n. security council"]}]}""", Vocabulary);
        catalog.Subscriptions.ShouldHaveSingleItem().Entities.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_changed_file_takes_effect_within_the_interval_and_an_invalid_one_leaves_the_set_in_force()
    {
        var path = TestPaths.TempFile("subscriptions.json", """{"subscriptions":[{"id":"first","topics":["sanctions"]}]}""");
        var catalog = SubscriptionCatalog.Load(path, Vocabulary);
        var time = new FakeTimeProvider(Articles.FixedNow);
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var reloader = new SubscriptionsReloader(path, TimeSpan.FromSeconds(10), catalog, Vocabulary, time,
            new AlertMetrics(meters.GetRequiredService<IMeterFactory>()), NullLogger<SubscriptionsReloader>.Instance);
        await reloader.StartAsync(default);

        await File.WriteAllTextAsync(path, """{"subscriptions":[{"id":"second","topics":["defense"]}]}""");
        await Eventually.True(() => { time.Advance(TimeSpan.FromSeconds(10)); return catalog.Subscriptions.Single().Id == "second"; }, "the changed file in force after a 10 s tick");

        await File.WriteAllTextAsync(path, """{"subscriptions":[{"id":"third","topics":["sanctionz"]}]}""");
        reloader.Reload().ShouldBeFalse("the invalid file is refused");
        time.Advance(TimeSpan.FromSeconds(30));
        catalog.Subscriptions.Single().Id.ShouldBe("second", "the previous set stays in force");
        await reloader.StopAsync(default);
    }

    [Fact]
    public void Backtest_follows_the_story_rule_and_reports_near_misses_under_minScore()
    {
        var backtest = new SubscriptionBacktest(new SubscriptionMatcher(), new FakeTimeProvider(Articles.FixedNow));
        ArticleClassified Article(string id, int version, double score) => new()
        {
            ArticleId = id, Version = version, StoryId = "story", SourceId = "test", Url = "u", ProducedAt = Articles.FixedNow, Headline = $"{id} v{version}",
            Topics = [new TopicScore { Topic = "sanctions", Score = score, Match = true, Evidence = [] }], Entities = new Entities(), ClassifierVersion = "t",
        };
        var articles = new[] { Article("a", 1, 0.72), Article("a", 2, 0.74), Article("a", 3, 0.9), Article("b", 1, 0.55) };
        var subscription = new Subscription { Id = "desk", Topics = ["sanctions"], MinScore = 0.6 };

        var result = backtest.Run([subscription], articles).ShouldHaveSingleItem();
        result.Alerts.Select(a => (a.Alert.AlertId, a.Alert.Severity)).ShouldBe([("desk:story", "medium"), ("desk:story:u1", "high")]);
        result.NearMisses.Select(n => n.Headline).ShouldBe(["b v1"]);

        var stricter = backtest.Run([subscription with { MinScore = 0.8 }], articles).ShouldHaveSingleItem();
        stricter.Alerts.Select(a => a.Alert.AlertId).ShouldBe(["desk:story"]);
        stricter.NearMisses.Select(n => n.Headline).ShouldBe(["a v1", "a v2"]);
    }
}
