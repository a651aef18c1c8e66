using System.Text.Json;
using Wirewatch.Tests.Shared;
using Wirewatch.Worker.Cli;

namespace Wirewatch.WebConsole.Tests;

/// <summary><c>wirewatch subscriptions test|check</c>, in-process, over the seeds the fixture stored with <c>once --data-dir</c>.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SubscriptionsCliTests(ConsoleFixture console)
{
    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await WirewatchCli.InvokeAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static List<JsonElement> Lines(string output, string type) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(o => o.GetProperty("type").GetString() == type).ToList();

    [SeedFact]
    public async Task Test_over_the_stored_seeds_reports_the_alerts_once_printed()
    {
        var (exit, stdout, stderr) = await RunAsync("subscriptions", "test", TestPaths.Defaults("subscriptions.json"), "--since", "3650d", "--data-dir", console.DataDir, "--json");
        exit.ShouldBe(0, stderr);
        static IEnumerable<string> Ids(IEnumerable<JsonElement> alerts) => alerts.Select(a => $"{a.GetProperty("alertId").GetString()} {a.GetProperty("severity").GetString()}").Order();
        Ids(Lines(stdout, "alert")).ShouldBe(Ids(Lines(console.OnceOutput, "alert")));
        // The fixture's hostile article scores 0.4 for sanctions: just under the desk's 0.5.
        Lines(stdout, "near-miss").Select(m => m.GetProperty("articleId").GetString()).ShouldBe([ConsoleFixture.HostileArticleId]);
    }

    [SeedFact]
    public async Task A_raised_minScore_reports_fewer_alerts_and_the_near_misses()
    {
        var shipped = await File.ReadAllTextAsync(TestPaths.Defaults("subscriptions.json"));
        var stricter = TestPaths.TempFile("stricter.json", shipped.Replace("\"minScore\": 0.5", "\"minScore\": 0.9", StringComparison.Ordinal));
        var (exit, stdout, stderr) = await RunAsync("subscriptions", "test", stricter, "--since", "3650d", "--data-dir", console.DataDir, "--json");
        exit.ShouldBe(0, stderr);
        var alerts = Lines(stdout, "alert");
        alerts.Count.ShouldBeLessThan(Lines(console.OnceOutput, "alert").Count);
        alerts.ShouldAllBe(a => a.GetProperty("topics")[0].GetProperty("score").GetDouble() >= 0.9);
        var misses = Lines(stdout, "near-miss");
        misses.ShouldNotBeEmpty();
        misses.ShouldAllBe(m => m.GetProperty("score").GetDouble() < 0.9 && m.GetProperty("score").GetDouble() >= 0.8);
        var summary = Lines(stdout, "subscription");
        summary.Sum(s => s.GetProperty("alerts").GetInt32()).ShouldBe(alerts.Count);
    }

    [Fact]
    public async Task Check_refuses_an_unknown_topic_naming_the_field_and_accepts_the_shipped_file()
    {
        var typo = TestPaths.TempFile("typo.json", """{"subscriptions":[{"id":"desk","topics":["sanctionz"]}]}""");
        var (exit, _, stderr) = await RunAsync("subscriptions", "check", typo);
        exit.ShouldBe(2);
        stderr.ShouldContain("subscription 'desk': 'topics[0]' 'sanctionz' is not a topic of the taxonomy");

        var (ok, stdout, okErr) = await RunAsync("subscriptions", "check", TestPaths.Defaults("subscriptions.json"));
        ok.ShouldBe(0, okErr);
        stdout.ShouldContain("3 subscription(s), valid");
    }
}
