using System.Globalization;
using System.Text.Json;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Worker.Tests;

public sealed class OnceCommandTests
{
    [SeedFact]
    public async Task Once_on_the_seeds_classifies_both_as_expected_alerts_and_a_second_run_finds_nothing_new()
    {
        var dataDir = TestPaths.TempFolder("once");

        var (exit, stdout, stderr) = await Cli.RunAsync("once", "--source", TestPaths.SeedsFolder, "--json", "--data-dir", dataDir);

        exit.ShouldBe(0, stderr);
        var lines = Cli.JsonLines(stdout);
        var classified = lines.Where(l => l.GetProperty("type").GetString() == "classified").ToList();
        classified.Count.ShouldBe(2);
        foreach (var expected in TestPaths.ExpectedSeeds().GetProperty("articles").EnumerateArray())
        {
            var line = classified.Single(c => c.GetProperty("url").GetString()!.EndsWith(expected.GetProperty("file").GetString()!, StringComparison.Ordinal));
            line.GetProperty("headline").GetString().ShouldBe(expected.GetProperty("headline").GetString());
            var topics = line.GetProperty("topics").EnumerateArray().ToDictionary(t => t.GetProperty("topic").GetString()!);
            foreach (var topic in expected.GetProperty("topics").EnumerateObject().Where(t => t.Value.ValueKind != JsonValueKind.Null))
            {
                topics[topic.Name].GetProperty("match").GetBoolean().ShouldBe(topic.Value.GetBoolean(), topic.Name);
            }

            line.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("score").GetDouble()).ShouldBeInOrder(SortDirection.Descending);
        }

        var alerts = lines.Where(l => l.GetProperty("type").GetString() == "alert").ToList();
        alerts.ShouldNotBeEmpty();
        alerts.ShouldContain(a => a.GetProperty("subscriptionId").GetString() == "sanctions-desk");
        alerts.ShouldAllBe(a => a.GetProperty("evidence").GetArrayLength() > 0);

        var again = await Cli.RunAsync("once", "--source", TestPaths.SeedsFolder, "--json", "--data-dir", dataDir);
        again.Exit.ShouldBe(0, again.Err);
        Cli.JsonLines(again.Out).ShouldBeEmpty();
    }

    [Fact]
    public async Task Once_with_no_arguments_runs_the_shipped_samples_and_prints_for_people()
    {
        var (exit, stdout, stderr) = await Cli.RunAsync("once");

        exit.ShouldBe(0, stderr);
        stdout.ShouldContain("classified");
        stdout.ShouldContain("ALERT [");
        stdout.ShouldContain("7 article(s): 7 classified");
    }

    [Fact]
    public async Task Once_rejects_a_page_that_is_not_an_article_with_a_reason()
    {
        var folder = TestPaths.TempFolder("reject");
        File.WriteAllText(Path.Combine(folder, "empty.txt"), "   ");
        File.Copy(Path.Combine(TestPaths.SamplesFolder, "003-defense-air-drills.txt"), Path.Combine(folder, "drills.txt"));

        var (exit, stdout, stderr) = await Cli.RunAsync("once", "--source", folder, "--json");

        exit.ShouldBe(0, stderr);
        var lines = Cli.JsonLines(stdout);
        var rejected = lines.Single(l => l.GetProperty("type").GetString() == "rejected");
        rejected.GetProperty("url").GetString()!.ShouldEndWith("empty.txt");
        rejected.GetProperty("reason").GetString().ShouldBe("empty");
        lines.Count(l => l.GetProperty("type").GetString() == "classified").ShouldBe(1);
    }

    [Fact]
    public async Task Once_uses_a_subscriptions_file_given_on_the_command_line()
    {
        var subscriptions = TestPaths.TempFile("subscriptions.json", """{ "subscriptions": [ { "id": "only-defense", "topics": ["defense"], "minScore": 0.5 } ] }""");

        var (exit, stdout, stderr) = await Cli.RunAsync("once", "--subscriptions", subscriptions, "--json");

        exit.ShouldBe(0, stderr);
        var alerts = Cli.JsonLines(stdout).Where(l => l.GetProperty("type").GetString() == "alert").ToList();
        alerts.ShouldNotBeEmpty();
        alerts.ShouldAllBe(a => a.GetProperty("subscriptionId").GetString() == "only-defense");
    }
}

public sealed class StageCommandTests
{
    [SeedFact]
    public async Task Clean_json_on_the_seeds_prints_what_expected_json_says()
    {
        var files = Directory.GetFiles(TestPaths.SeedsFolder, "*.txt").Order(StringComparer.Ordinal).ToArray();

        var (exit, stdout, stderr) = await Cli.RunAsync(["clean", "--json", .. files]);

        exit.ShouldBe(0, stderr);
        var lines = Cli.JsonLines(stdout);
        lines.Count.ShouldBe(files.Length);
        foreach (var (line, expected) in lines.Zip(TestPaths.ExpectedSeeds().GetProperty("articles").EnumerateArray()))
        {
            line.GetProperty("type").GetString().ShouldBe("cleaned");
            line.GetProperty("headline").GetString().ShouldBe(expected.GetProperty("headline").GetString());
            line.GetProperty("flags").ToString().ShouldBe(expected.GetProperty("flags").ToString());
            line.GetProperty("editorNote").ToString().ShouldBe(expected.GetProperty("editorNote").ToString());
            DateTimeOffset.Parse(line.GetProperty("publishedAt").GetString()!, CultureInfo.InvariantCulture)
                .ShouldBe(DateTimeOffset.Parse(expected.GetProperty("publishedLocal").GetString()!, CultureInfo.InvariantCulture));
            line.GetProperty("publishedAt").GetString()!.ShouldEndWith("+09:00");
            line.GetProperty("dateline").GetProperty("date").GetString().ShouldBe(expected.GetProperty("dateline").GetProperty("date").GetString());
            line.GetProperty("paragraphs").GetArrayLength().ShouldBe(expected.GetProperty("paragraphs").GetInt32());
            line.GetProperty("warnings").ToString().ShouldBe(expected.GetProperty("warnings").ToString());
        }
    }

    [SeedFact]
    public async Task Classify_json_on_the_seeds_prints_topics_and_entities()
    {
        var file = Path.Combine(TestPaths.SeedsFolder, "001_bd4a62882bf1d9c1.txt");

        var (exit, stdout, stderr) = await Cli.RunAsync("classify", "--json", file);

        exit.ShouldBe(0, stderr);
        var line = Cli.JsonLines(stdout).Single();
        line.GetProperty("type").GetString().ShouldBe("classified");
        line.GetProperty("path").GetString().ShouldBe(file);
        var topics = line.GetProperty("topics").EnumerateArray().ToDictionary(t => t.GetProperty("topic").GetString()!, t => t.GetProperty("score").GetDouble());
        topics["defense"].ShouldBeLessThan(topics["sanctions"]);
        topics["defense"].ShouldBeLessThan(topics["human_rights"]);
        line.GetProperty("entities").GetProperty("resolutions").EnumerateArray().Select(r => r.GetString()).ShouldContain("2270");
    }
}

public sealed class BadInputTests
{
    [Fact]
    public async Task A_missing_source_path_is_exit_code_2_with_a_message()
    {
        var (exit, _, stderr) = await Cli.RunAsync("once", "--source", "/no/such/folder");

        exit.ShouldBe(2);
        stderr.ShouldContain("--source '/no/such/folder' does not exist");
    }

    [Fact]
    public async Task A_missing_config_file_is_exit_code_2()
    {
        var (exit, _, stderr) = await Cli.RunAsync("once", "--config", "/no/such/settings.json");

        exit.ShouldBe(2);
        stderr.ShouldContain("--config: file '/no/such/settings.json' does not exist");
    }

    [Fact]
    public async Task An_unreadable_config_file_is_exit_code_2()
    {
        var config = TestPaths.TempFile("settings.json", "{\n  \"Wirewatch\": {\n    \"Transport\": \"InMemory\"\n    \"Roles\": \"all\"\n  }\n}\n");

        var (exit, _, stderr) = await Cli.RunAsync("once", "--config", config);

        exit.ShouldBe(2);
        stderr.ShouldContain($"--config: '{config}' is not valid JSON at line 4, column 5: a comma is missing before this");
        stderr.ShouldNotContain("LineNumber");
    }

    [Theory]
    [InlineData("""{ "Wirewatch": { "Roles": "fetcher,printer" } }""", "Wirewatch:Roles must be")]
    [InlineData("""{ "Wirewatch": { "Transport": "Kafka" } }""", "Wirewatch:Transport must be 'InMemory' or 'RabbitMq' (was 'Kafka')")]
    [InlineData("""{ "Wirewatch": { "SubscriptionsFile": "/no/such/subscriptions.json" } }""", "Wirewatch:SubscriptionsFile")]
    [InlineData("""{ "Wirewatch": { "Transport": "RabbitMq", "RabbitMq": { "Host": "broker.example.org" } } }""", "Wirewatch:RabbitMq:Username is 'guest'")]
    public async Task Bad_configuration_is_exit_code_2_naming_the_key(string json, string message)
    {
        var config = TestPaths.TempFile("settings.json", json);

        var (exit, _, stderr) = await Cli.RunAsync("run", "--config", config);

        exit.ShouldBe(2);
        stderr.ShouldContain(message);
    }

    [Fact]
    public async Task An_unknown_option_is_exit_code_2()
    {
        var (exit, _, stderr) = await Cli.RunAsync("once", "--frobnicate");

        exit.ShouldBe(2);
        stderr.ShouldContain("--frobnicate");
    }

    [Fact]
    public async Task Clean_of_a_missing_file_is_exit_code_2()
    {
        var (exit, stdout, stderr) = await Cli.RunAsync("clean", "/no/such/page.txt");

        exit.ShouldBe(2);
        stdout.ShouldBeEmpty();
        stderr.ShouldContain("no such file");
    }
}
