using Wirewatch.Tests.Shared;

namespace Wirewatch.Classification.Tests;

public sealed class TopicClassifierTests
{
    private readonly TopicClassifier _classifier = Classifiers.Shipped();

    [Fact]
    public void A_passing_mention_does_not_match()
    {
        var article = Classifiers.Article(
            "Seoul stocks close higher on chip rally",
            "Seoul shares rose 1.2 percent on Tuesday as chipmakers gained on strong overseas demand, while foreign investors bought a net 300 billion won of stocks.",
            "Analysts said worries over tariffs and possible new sanctions had eased for now, and that the won strengthened against the dollar.",
            "Shipbuilders and carmakers also advanced, while bio stocks fell for a second day.");

        var result = _classifier.Classify(article);

        result.Topics.ShouldAllBe(t => !t.Match);
        result.Topics.Single(t => t.Topic == "sanctions").Score.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void False_friends_do_not_count_for_defense()
    {
        var article = Classifiers.Article(
            "Court acquits businessman in bribery case",
            "The defense attorney said the verdict vindicated her client after a two-year trial.",
            "Prosecutors said they would appeal, and the defense team asked the court to lift a travel ban.",
            "The defense rested its case last month after calling 12 witnesses.");

        var defense = _classifier.Classify(article).Topics.Single(t => t.Topic == "defense");

        defense.Score.ShouldBe(0);
        defense.Evidence.ShouldBeEmpty();
    }

    [Fact]
    public void Human_resources_is_not_human_rights()
    {
        var article = Classifiers.Article(
            "Conglomerate reshuffles human resources division",
            "The company said its human resources chief would step down and that human resources policies would be reviewed.");

        _classifier.Classify(article).Topics.Single(t => t.Topic == "human_rights").Score.ShouldBe(0);
    }

    [Fact]
    public void A_headline_counts_more_than_the_body()
    {
        var inHeadline = Classifiers.Article("Missile launch draws condemnation", "Officials met on Monday and issued a statement after the meeting ended.");
        var inBody = Classifiers.Article("Officials meet after launch", "Officials met on Monday and issued a statement on the missile launch after the meeting ended.");

        Score(inHeadline, "defense").ShouldBeGreaterThan(Score(inBody, "defense"));
    }

    [Fact]
    public void The_same_evidence_in_a_longer_article_scores_lower()
    {
        const string Lead = "The United States announced sanctions on two shipping firms accused of sanctions evasion.";
        var filler = Enumerable.Repeat("The firms did not respond to requests for comment on Tuesday, and their offices were closed.", 20).ToArray();

        var shortOne = Classifiers.Article("Shipping firms hit", Lead);
        var longOne = Classifiers.Article("Shipping firms hit", [Lead, .. filler]);

        Score(longOne, "sanctions").ShouldBeLessThan(Score(shortOne, "sanctions"));
    }

    [Fact]
    public void Scores_stay_between_zero_and_one_however_much_evidence()
    {
        var article = Classifiers.Article("Sanctions sanctions sanctions", Enumerable.Repeat("New sanctions and an embargo and an asset freeze were imposed under the sanctions committee.", 50).ToArray());

        _classifier.Classify(article).Topics.ShouldAllBe(t => t.Score >= 0 && t.Score <= 1);
    }

    [Fact]
    public void A_topic_added_to_the_data_file_is_scored_without_code_changes()
    {
        var topics = TestPaths.TempFile("topics.json", """
            { "topics": [
              { "id": "sanctions", "threshold": 0.5, "terms": [ { "term": "sanctions", "weight": 3 } ] },
              { "id": "nuclear_tests", "label": "Nuclear tests", "threshold": 0.5, "scale": 3,
                "terms": [ { "term": "nuclear test*", "weight": 3 }, { "term": "punggye ri", "weight": 3 }, { "term": "seismic", "weight": 2 } ] }
            ] }
            """);
        var classifier = new TopicClassifier(Taxonomy.Load(topics), new EntityExtractor(new Gazetteer()));
        var article = Classifiers.Article(
            "Seismic event detected near nuclear test site",
            "A seismic event was detected near the Punggye-ri nuclear test site, raising fears of a seventh nuclear test, officials said.");

        var result = classifier.Classify(article);

        result.Topics[0].Topic.ShouldBe("nuclear_tests");
        result.Topics[0].Match.ShouldBeTrue();
        result.Topics[0].Evidence.Select(e => e.Term).ShouldContain("punggye ri");
    }

    [Fact]
    public void Changing_the_taxonomy_changes_the_classifier_version()
    {
        var topics = TestPaths.TempFile("topics.json", """{ "topics": [ { "id": "sanctions", "terms": [ { "term": "sanctions", "weight": 3 } ] } ] }""");
        var before = new TopicClassifier(Taxonomy.Load(topics), new EntityExtractor(new Gazetteer())).Version;
        File.WriteAllText(topics, """{ "topics": [ { "id": "sanctions", "terms": [ { "term": "sanctions", "weight": 2 } ] } ] }""");
        var after = new TopicClassifier(Taxonomy.Load(topics), new EntityExtractor(new Gazetteer())).Version;

        after.ShouldNotBe(before);
    }

    [Theory]
    [InlineData("""{ "topics": [] }""", "at least one topic")]
    [InlineData("""{ "topics": [ { "id": "x", "threshold": 1.5, "terms": [ { "term": "a" } ] } ] }""", "topic 'x': 'threshold'")]
    [InlineData("""{ "topics": [ { "id": "x", "terms": [] } ] }""", "topic 'x': 'terms'")]
    [InlineData("""{ "topics": [ { "id": "x", "terms": [ { "term": "--" } ] } ] }""", "term '--'")]
    [InlineData("""{ "topics": [ """, "is not valid JSON at line 1, column 15")]
    public void A_broken_taxonomy_is_refused_with_a_message_naming_the_topic_and_field(string json, string message)
    {
        var path = TestPaths.TempFile("topics.json", json);

        Should.Throw<InvalidDataException>(() => Taxonomy.Load(path)).Message.ShouldContain(message);
    }

    [Fact]
    public void Resolution_numbers_and_titled_people_are_found()
    {
        var article = Classifiers.Article(
            "Council tightens measures",
            "Foreign Minister Cho Tae-yul welcomed the adoption of resolutions 2371 and 2375, saying Resolution 2397 should be enforced.",
            "Special Rapporteur Elizabeth Salmon visited Seoul.");

        var entities = _classifier.Classify(article).Entities;

        entities.Resolutions.ShouldBe(["2371", "2375", "2397"]);
        entities.People.ShouldContain("Cho Tae-yul");
        entities.People.ShouldContain("Elizabeth Salmon");
        entities.Places.ShouldContain("Seoul");
    }

    private double Score(Contracts.ArticleCleaned article, string topic) =>
        _classifier.Classify(article).Topics.Single(t => t.Topic == topic).Score;
}
