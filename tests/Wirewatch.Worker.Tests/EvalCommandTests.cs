using Wirewatch.Tests.Shared;

namespace Wirewatch.Worker.Tests;

public sealed class EvalCommandTests
{
    private static string CorpusFolder => Path.Combine(TestPaths.RepositoryRoot, "tests", "corpus", "classification");

    [Fact]
    public async Task Eval_prints_the_table_macro_f1_and_confusions()
    {
        var (exit, stdout, stderr) = await Cli.RunAsync("eval", "--corpus", CorpusFolder, "--split", "test");

        exit.ShouldBe(0, stderr);
        stdout.ShouldContain("topic");
        stdout.ShouldContain("precision  recall     F1  support");
        foreach (var topic in new[] { "sanctions", "human_rights", "defense" })
        {
            stdout.ShouldContain(topic);
        }

        stdout.ShouldContain("macro-F1 ");
        stdout.ShouldContain("split test");
        stdout.ShouldContain("confusions");
    }

    [Fact]
    public async Task Eval_with_json_writes_one_object_per_line()
    {
        var (exit, stdout, stderr) = await Cli.RunAsync("eval", "--corpus", CorpusFolder, "--split", "dev", "--json");

        exit.ShouldBe(0, stderr);
        var lines = Cli.JsonLines(stdout);
        lines.Count(l => l.GetProperty("type").GetString() == "topic").ShouldBe(3);
        var summary = lines.Single(l => l.GetProperty("type").GetString() == "summary");
        summary.GetProperty("split").GetString().ShouldBe("dev");
        summary.GetProperty("macroF1").GetDouble().ShouldBeInRange(0, 1);
    }

    [Fact]
    public async Task Eval_of_a_missing_corpus_is_exit_code_2()
    {
        var (exit, stdout, stderr) = await Cli.RunAsync("eval", "--corpus", "/no/such/corpus");

        exit.ShouldBe(2);
        stdout.ShouldBeEmpty();
        stderr.ShouldContain("--corpus: corpus folder '/no/such/corpus' does not exist");
    }

    [Fact]
    public async Task Eval_of_a_corpus_without_labels_is_exit_code_2()
    {
        var (exit, _, stderr) = await Cli.RunAsync("eval", "--corpus", TestPaths.TempFolder("corpus"));

        exit.ShouldBe(2);
        stderr.ShouldContain("has no labels.json");
    }

    [Fact]
    public async Task Eval_with_an_unknown_split_is_exit_code_2()
    {
        var (exit, _, stderr) = await Cli.RunAsync("eval", "--corpus", CorpusFolder, "--split", "train");

        exit.ShouldBe(2);
        stderr.ShouldContain("train");
    }
}
