using Wirewatch.Tests.Shared;

namespace Wirewatch.Worker.Tests;

/// <summary>Mistakes a person makes in a data file or on the command line get a message that says where and what to fix, and exit code 2.</summary>
public sealed class ActionableMessageTests
{
    /// <summary>A comma missing on line 3: every data file is read with the same reader, so each must say line 3, column 3.</summary>
    private const string MissingComma = "{\n  \"version\": 1\n  \"items\": []\n}\n";

    [Theory]
    [InlineData("topics")]
    [InlineData("entities")]
    [InlineData("cleaning-rules")]
    [InlineData("subscriptions")]
    [InlineData("sources")]
    public async Task A_malformed_data_file_is_named_with_its_line_and_column(string kind)
    {
        var file = TestPaths.TempFile($"{kind}.json", MissingComma);
        string[] args = kind switch
        {
            "sources" => ["sources", "check", "--sources", file],
            "subscriptions" => ["once", "--subscriptions", file, "--source", Sample],
            _ => ["once", "--source", Sample, "--config", TestPaths.TempFile("settings.json", $$"""{ "Wirewatch": { "{{Key(kind)}}": "{{file}}" } }""")],
        };

        var (exit, stdout, stderr) = await Cli.RunAsync(args);

        ShouldNameLineAndColumn(exit, stderr, file);
        stdout.ShouldNotContain("classified");
    }

    /// <summary>The data files read by the other commands: the same wording, exit code 2, and nothing half done.</summary>
    [Theory]
    [InlineData("sources-import")]
    [InlineData("subscriptions-check-entities")]
    [InlineData("eval-labels")]
    [InlineData("eval-extraction-ground-truth")]
    public async Task A_malformed_data_file_read_by_another_command_is_named_with_its_line_and_column(string kind)
    {
        var (file, args) = kind switch
        {
            "sources-import" => Broken("sources.json", f => ["sources", "import", TestPaths.TempFile("feeds.opml", Opml), "--sources", f]),
            "subscriptions-check-entities" => Broken("entities.json", f =>
                ["subscriptions", "check", TestPaths.Defaults("subscriptions.json"), "--config", TestPaths.TempFile("settings.json", $$"""{ "Wirewatch": { "EntitiesFile": "{{f}}" } }""")]),
            "eval-labels" => Broken("labels.json", f => ["eval", "--corpus", Path.GetDirectoryName(f)!]),
            "eval-extraction-ground-truth" => Broken("ground-truth.json", f => ["eval", "extraction", "--corpus", Path.GetDirectoryName(f)!]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var (exit, stdout, stderr) = await Cli.RunAsync(args);

        ShouldNameLineAndColumn(exit, stderr, file);
        stdout.ShouldBeEmpty();
        File.ReadAllText(file).ShouldBe(MissingComma, "a refused command leaves the file as it was");

        static (string File, string[] Args) Broken(string name, Func<string, string[]> args)
        {
            var file = TestPaths.TempFile(name, MissingComma);
            return (file, args(file));
        }
    }

    /// <summary>Exit code 2 and the message every data file gets for <see cref="MissingComma"/>, without the reader's own wording.</summary>
    private static void ShouldNameLineAndColumn(int exit, string stderr, string file)
    {
        exit.ShouldBe(2, stderr);
        stderr.ShouldContain($"'{file}' is not valid JSON at line 3, column 3");
        stderr.ShouldContain("a comma is missing");
        stderr.ShouldNotContain("LineNumber");
        stderr.ShouldNotContain("reader options");
    }

    private const string Opml = """<opml version="2.0"><body><outline text="Example" xmlUrl="https://example.org/feed.xml"/></body></opml>""";

    [Theory]
    [InlineData("""{ "Wirewatch": { "Transport": "Kafka" } }""", "Wirewatch:Transport must be 'InMemory' or 'RabbitMq' (was 'Kafka')")]
    [InlineData("""{ "Wirewatch": { "Roles": "fetcher,printer" } }""", "Wirewatch:Roles must be 'all' or a comma-separated list")]
    public async Task Once_refuses_an_unknown_transport_or_role_as_run_does(string json, string message)
    {
        var config = TestPaths.TempFile("settings.json", json);

        var once = await Cli.RunAsync("once", "--source", Sample, "--config", config);

        once.Exit.ShouldBe(2, once.Err);
        once.Err.ShouldContain(message);
        once.Out.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("0")]
    public async Task A_timeout_that_is_not_a_whole_number_of_seconds_says_so(string value)
    {
        var (exit, stdout, stderr) = await Cli.RunAsync("once", "--source", Sample, "--timeout", value);

        exit.ShouldBe(2);
        stderr.ShouldContain($"--timeout wants a whole number of seconds greater than 0, such as 120 (was '{value}')");
        stderr.ShouldNotContain("System.Int32");
        stdout.ShouldBeEmpty();
    }

    private static string Sample => Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt");

    private static string Key(string kind) => kind switch
    {
        "topics" => "TopicsFile",
        "entities" => "EntitiesFile",
        "cleaning-rules" => "CleaningRulesFile",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
