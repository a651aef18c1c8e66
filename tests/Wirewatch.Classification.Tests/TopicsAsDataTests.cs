using System.Text.Json.Nodes;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Classification.Tests;

/// <summary>An operator adds a topic by editing topics.json only; the classifier version follows the file.</summary>
public sealed class TopicsAsDataTests
{
    private static readonly Contracts.ArticleCleaned NuclearTestStory = Classifiers.Article(
        "N. Korea conducts sixth nuclear test, says it was a hydrogen bomb",
        "North Korea conducted its sixth nuclear test on Sunday, setting off a 6.3-magnitude tremor at the Punggye-ri site, and state media said it had detonated a hydrogen bomb.",
        "Seismologists said the blast was several times larger than the last one, and the nuclear test site's tunnels may have collapsed.",
        "South Korea's weather agency said it detected no radioactive material so far.");

    private static readonly Contracts.ArticleCleaned EconomyStory = Classifiers.Article(
        "Seoul stocks close higher on chip rally",
        "Seoul shares rose 1.2 percent on Tuesday as chipmakers gained on strong overseas demand.",
        "Shipbuilders and carmakers also advanced, while bio stocks fell for a second day.");

    [Fact]
    public void A_fourth_topic_added_to_the_shipped_topics_file_matches_its_articles_and_only_them()
    {
        var topicsPath = WithNuclearTests(TestPaths.Defaults("topics.json"));

        var classifier = TopicClassifier.Load(topicsPath, TestPaths.Defaults("entities.json"));
        var nuclear = classifier.Classify(NuclearTestStory);
        var economy = classifier.Classify(EconomyStory);

        nuclear.Topics.Select(t => t.Topic).ShouldBe(["sanctions", "human_rights", "defense", "nuclear_tests"], ignoreOrder: true);
        var topic = nuclear.Topics.Single(t => t.Topic == "nuclear_tests");
        topic.Match.ShouldBeTrue($"scored {topic.Score}");
        topic.Evidence.Select(e => e.Term).ShouldContain("nuclear test");
        topic.Evidence.Single(e => e.Term == "punggye ri").Snippet.ShouldContain("Punggye-ri");
        economy.Topics.Single(t => t.Topic == "nuclear_tests").Match.ShouldBeFalse();
        economy.Topics.Single(t => t.Topic == "nuclear_tests").Score.ShouldBe(0);
    }

    [Fact]
    public void The_classifier_version_changes_with_topics_json_and_only_with_it()
    {
        var shipped = TopicClassifier.Load(TestPaths.Defaults("topics.json"), TestPaths.Defaults("entities.json")).Version;
        var copy = TestPaths.TempFile("topics.json", File.ReadAllText(TestPaths.Defaults("topics.json")));
        var edited = WithNuclearTests(TestPaths.Defaults("topics.json"));

        TopicClassifier.Load(copy, TestPaths.Defaults("entities.json")).Version.ShouldBe(shipped);
        TopicClassifier.Load(edited, TestPaths.Defaults("entities.json")).Version.ShouldNotBe(shipped);
        TopicClassifier.Load(edited, TestPaths.Defaults("entities.json")).Version.ShouldStartWith(TopicClassifier.Algorithm + "+");
    }

    /// <summary>The shipped taxonomy plus a <c>nuclear_tests</c> topic, written as an operator would, to a temporary file.</summary>
    internal static string WithNuclearTests(string shippedTopics)
    {
        var document = JsonNode.Parse(File.ReadAllText(shippedTopics))!;
        document["topics"]!.AsArray().Add(JsonNode.Parse("""
            {
              "id": "nuclear_tests",
              "label": "Nuclear tests",
              "description": "Nuclear test explosions, test-site activity and their detection.",
              "threshold": 0.5,
              "scale": 4,
              "terms": [
                { "term": "nuclear test*", "weight": 3 },
                { "term": "punggye ri", "weight": 3 },
                { "term": "hydrogen bomb", "weight": 3 },
                { "term": "tremor", "weight": 2 },
                { "term": "seismic", "weight": 2 },
                { "term": "radioactive", "weight": 1 }
              ]
            }
            """));
        return TestPaths.TempFile("topics.json", document.ToJsonString());
    }
}
