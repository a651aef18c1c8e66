using Wirewatch.Classification.Evaluation;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Classification.Tests;

public sealed class ClassifierEvaluationTests
{
    private static string CorpusFolder => Path.Combine(TestPaths.RepositoryRoot, "tests", "corpus", "classification");

    [Fact]
    public void The_shipped_taxonomy_reaches_macro_f1_of_0_92_on_the_held_out_test_split()
    {
        var corpus = CorpusLabels.Load(CorpusFolder);

        var report = ClassifierEvaluation.Evaluate(Classifiers.Shipped(), corpus, "test", Classifiers.Clean);

        report.Articles.ShouldBe(corpus.Articles.Count(a => a.Split == "test"));
        report.Topics.Select(t => t.Topic).ShouldBe(["defense", "human_rights", "sanctions"]);
        var confusions = string.Join(Environment.NewLine, report.Confusions.Select(c => $"{c.Kind} {c.Topic} {c.Score} {c.File}"));
        report.MacroF1.ShouldBeGreaterThanOrEqualTo(0.92, confusions);
    }

    [Fact]
    public void The_corpus_is_large_and_split_about_sixty_forty()
    {
        var corpus = CorpusLabels.Load(CorpusFolder);

        corpus.Articles.Count.ShouldBeGreaterThanOrEqualTo(200);
        corpus.Articles.Count(a => a.Topics.Count == 0).ShouldBeGreaterThanOrEqualTo(75);
        ((double)corpus.Articles.Count(a => a.Split == "dev") / corpus.Articles.Count).ShouldBeInRange(0.55, 0.65);
    }

    [Fact]
    public void Precision_recall_and_f1_are_counted_from_the_match_flag_against_the_labels()
    {
        // sanctions: TP a, FP c, FN b  -> P 1/2, R 1/2, F1 1/2.  defense: TP b, FN a (support 2) -> P 1, R 1/2, F1 2/3.
        var results = new[]
        {
            (Label("a", "sanctions", "defense"), Result("a", ("sanctions", true, 0.9), ("defense", false, 0.2))),
            (Label("b", "sanctions", "defense"), Result("b", ("sanctions", false, 0.4), ("defense", true, 0.7))),
            (Label("c"), Result("c", ("sanctions", true, 0.6), ("defense", false, 0.1))),
            (Label("d"), Result("d", ("sanctions", false, 0.1), ("defense", false, 0.0))),
        };

        var report = ClassifierEvaluation.Score(results);

        report.Articles.ShouldBe(4);
        var sanctions = report.Topics.Single(t => t.Topic == "sanctions");
        (sanctions.TruePositives, sanctions.FalsePositives, sanctions.FalseNegatives, sanctions.Support).ShouldBe((1, 1, 1, 2));
        sanctions.Precision.ShouldBe(0.5);
        sanctions.Recall.ShouldBe(0.5);
        sanctions.F1.ShouldBe(0.5);
        var defense = report.Topics.Single(t => t.Topic == "defense");
        defense.Precision.ShouldBe(1);
        defense.Recall.ShouldBe(0.5);
        defense.F1.ShouldBe(2.0 / 3, 1e-12);
        report.MacroF1.ShouldBe((0.5 + 2.0 / 3) / 2, 1e-12);

        report.Confusions.Select(c => (c.Topic, c.Kind, c.File)).ShouldBe(
        [
            ("defense", ClassifierEvaluation.FalseNegative, "a"),
            ("sanctions", ClassifierEvaluation.FalseNegative, "b"),
            ("sanctions", ClassifierEvaluation.FalsePositive, "c"),
        ]);
        report.Confusions.Single(c => c.File == "c").Score.ShouldBe(0.6);
        report.Confusions.Single(c => c.File == "c").Evidence.Single().Term.ShouldBe("sanctions");
    }

    [Fact]
    public void A_topic_never_predicted_and_never_labelled_has_no_errors_and_full_marks()
    {
        var report = ClassifierEvaluation.Score([(Label("a"), Result("a", ("defense", false, 0.1)))]);

        var defense = report.Topics.Single();
        (defense.Precision, defense.Recall, defense.F1).ShouldBe((1.0, 1.0, 1.0));
        report.Confusions.ShouldBeEmpty();
    }

    [Fact]
    public void A_label_the_taxonomy_does_not_have_is_refused()
    {
        Should.Throw<InvalidDataException>(() => ClassifierEvaluation.Score([(Label("a", "piracy"), Result("a", ("defense", false, 0.1)))]))
            .Message.ShouldContain("piracy");
    }

    [Theory]
    [InlineData("""{ "articles": [] }""", "at least one article")]
    [InlineData("""{ "articles": [ { "file": "missing.txt", "topics": [], "split": "dev" } ] }""", "'missing.txt': no such file")]
    [InlineData("""{ "articles": [ { "file": "a.txt", "topics": [], "split": "train" } ] }""", "'split' must be")]
    [InlineData("""{ "articles": [ """, "labels.json' is not valid JSON at line 1, column 17")]
    public void Broken_labels_are_refused_with_a_message_naming_the_problem(string json, string message)
    {
        var folder = TestPaths.TempFolder("corpus");
        File.WriteAllText(Path.Combine(folder, "a.txt"), "Headline");
        File.WriteAllText(Path.Combine(folder, "labels.json"), json);

        Should.Throw<InvalidDataException>(() => CorpusLabels.Load(folder)).Message.ShouldContain(message);
    }

    [Fact]
    public void A_missing_corpus_folder_is_refused()
    {
        Should.Throw<InvalidDataException>(() => CorpusLabels.Load(Path.Combine(TestPaths.TempFolder("corpus"), "nope"))).Message.ShouldContain("does not exist");
    }

    private static LabelledArticle Label(string file, params string[] topics) => new() { File = file, Topics = topics, Split = "dev" };

    private static ArticleClassified Result(string file, params (string Topic, bool Match, double Score)[] topics) => new()
    {
        ArticleId = file,
        Version = 1,
        SourceId = "test",
        Url = "https://wire.example/" + file,
        ProducedAt = Articles.FixedNow,
        Headline = file,
        Flags = [],
        Topics = topics.Select(t => new TopicScore
        {
            Topic = t.Topic,
            Score = t.Score,
            Match = t.Match,
            Evidence = t.Match ? [new Evidence { Term = t.Topic, Count = 1, Snippet = "..." }] : [],
        }).ToList(),
        Entities = new Entities(),
        ClassifierVersion = "test",
    };
}
