using System.Text.Json.Nodes;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Worker.Tests;

/// <summary>End to end: a topic added to a topics file (Wirewatch:TopicsFile) is scored by <c>wirewatch classify</c>.</summary>
public sealed class TopicsFileTests
{
    [Fact]
    public async Task Classify_scores_a_topic_added_to_the_configured_topics_file()
    {
        var topics = JsonNode.Parse(File.ReadAllText(TestPaths.Defaults("topics.json")))!;
        topics["topics"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "nuclear_tests", "threshold": 0.5, "scale": 4,
              "terms": [ { "term": "nuclear test*", "weight": 3 }, { "term": "punggye ri", "weight": 3 }, { "term": "tremor", "weight": 2 } ] }
            """));
        var folder = TestPaths.TempFolder("topics");
        var topicsPath = Path.Combine(folder, "topics.json");
        File.WriteAllText(topicsPath, topics.ToJsonString());
        var config = Path.Combine(folder, "settings.json");
        File.WriteAllText(config, new JsonObject { ["Wirewatch"] = new JsonObject { ["TopicsFile"] = topicsPath } }.ToJsonString());
        var article = Path.Combine(folder, "story.txt");
        File.WriteAllText(article, """
            N. Korea conducts sixth nuclear test

            All News 13:30 September 03, 2017

            SEOUL, Sept. 3 (Yonhap) -- North Korea conducted its sixth nuclear test on Sunday, setting off a tremor near the Punggye-ri site, officials said.

            The nuclear test was the most powerful so far, seismologists said.
            """);

        var (shippedExit, shippedOut, shippedErr) = await Cli.RunAsync("classify", "--json", article);
        var (exit, stdout, stderr) = await Cli.RunAsync("classify", "--json", "--config", config, article);

        shippedExit.ShouldBe(0, shippedErr);
        exit.ShouldBe(0, stderr);
        var shipped = Cli.JsonLines(shippedOut).Single();
        var line = Cli.JsonLines(stdout).Single();
        shipped.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("topic").GetString()).ShouldNotContain("nuclear_tests");
        var added = line.GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("topic").GetString() == "nuclear_tests");
        added.GetProperty("match").GetBoolean().ShouldBeTrue(added.ToString());
        added.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("term").GetString()).ShouldContain("punggye ri");
        line.GetProperty("classifierVersion").GetString().ShouldNotBe(shipped.GetProperty("classifierVersion").GetString());
    }
}
