using System.Text.Json;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Classification.Tests;

/// <summary>Topics, ordering, evidence and entities of the seeds, as ../shared/seeds/expected.json says.</summary>
public sealed class SeedClassificationTests
{
    private readonly TopicClassifier _classifier = Classifiers.Shipped();

    [SeedFact]
    public void Seeds_match_the_expected_topics_and_ordering()
    {
        foreach (var expected in TestPaths.ExpectedSeeds().GetProperty("articles").EnumerateArray())
        {
            var file = expected.GetProperty("file").GetString()!;
            var result = _classifier.Classify(Classifiers.Clean(Path.Combine(TestPaths.SeedsFolder, file)));
            var topics = result.Topics.ToDictionary(t => t.Topic);

            foreach (var topic in expected.GetProperty("topics").EnumerateObject())
            {
                if (topic.Value.ValueKind == JsonValueKind.Null)
                {
                    continue; // Borderline: only the ordering rule applies.
                }

                topics[topic.Name].Match.ShouldBe(topic.Value.GetBoolean(), $"{file}: {topic.Name} scored {topics[topic.Name].Score}");
                if (topic.Value.GetBoolean())
                {
                    topics[topic.Name].Evidence.ShouldNotBeEmpty($"{file}: {topic.Name} matched without evidence");
                    topics[topic.Name].Evidence.ShouldAllBe(e => e.Count > 0 && e.Snippet.Length > 20);
                }
            }

            if (expected.TryGetProperty("ordering", out _))
            {
                // "defense scores lower than both sanctions and human_rights"
                topics["defense"].Score.ShouldBeLessThan(topics["sanctions"].Score, file);
                topics["defense"].Score.ShouldBeLessThan(topics["human_rights"].Score, file);
            }

            result.Topics.Select(t => t.Score).ShouldBeInOrder(SortDirection.Descending);
        }
    }

    [SeedFact]
    public void Seeds_yield_the_expected_entities()
    {
        foreach (var expected in TestPaths.ExpectedSeeds().GetProperty("articles").EnumerateArray())
        {
            var file = expected.GetProperty("file").GetString()!;
            var entities = _classifier.Classify(Classifiers.Clean(Path.Combine(TestPaths.SeedsFolder, file))).Entities;
            var wanted = expected.GetProperty("entities");

            Contains(entities.People, wanted, "people", file);
            Contains(entities.Organizations, wanted, "organizations", file);
            Contains(entities.Places, wanted, "places", file);
            Contains(entities.Resolutions, wanted, "resolutions", file);
        }
    }

    [SeedFact]
    public void Sanctions_evidence_quotes_the_sentence_it_came_from()
    {
        var result = _classifier.Classify(Classifiers.Clean(Path.Combine(TestPaths.SeedsFolder, "001_bd4a62882bf1d9c1.txt")));

        var sanctions = result.Topics.Single(t => t.Topic == "sanctions");
        var term = sanctions.Evidence.First(e => e.Term == "sanctions");
        term.Count.ShouldBeGreaterThanOrEqualTo(3);
        term.Snippet.ShouldContain("sanctions");
    }

    private static void Contains(IReadOnlyList<string> found, JsonElement wanted, string kind, string file)
    {
        if (!wanted.TryGetProperty(kind, out var names))
        {
            return;
        }

        foreach (var name in names.EnumerateArray().Select(n => n.GetString()!))
        {
            found.ShouldContain(name, $"{file}: {kind} found were [{string.Join(", ", found)}]");
        }
    }
}
