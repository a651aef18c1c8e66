using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Worker.Tests;

/// <summary><c>wirewatch once</c> with webhook subscriptions, and <c>wirewatch alerts replay</c>, against a verifying receiver on loopback.</summary>
public sealed class AlertsCliTests : IAsyncLifetime
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly string _secretEnv = $"WIREWATCH_TEST_HOOK_{Guid.NewGuid():N}";
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_secretEnv, "whsec_" + Convert.ToBase64String(_key));
        _receiver = await WebhookReceiver.StartAsync(_key);
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private string Subscriptions() => TestPaths.TempFile("subscriptions.json", $$"""
        { "subscriptions": [
          {{string.Join(",\n", new[] { "sanctions", "human_rights", "defense" }.Select(topic => $$"""
            { "id": "{{topic}}-hook", "topics": ["{{topic}}"], "minScore": 0.5,
              "channels": [ { "type": "bus" }, { "type": "webhook", "url": "{{_receiver.Url.AbsoluteUri}}", "secretEnv": "{{_secretEnv}}" } ] }
            """))}}
        ] }
        """);

    [SeedFact]
    public async Task Once_over_the_seeds_delivers_every_printed_alert_to_the_webhook_once_with_a_valid_signature()
    {
        var run = await Cli.RunAsync("once", "--source", TestPaths.SeedsFolder, "--subscriptions", Subscriptions(), "--json");

        run.Exit.ShouldBe(0, run.Err);
        var printed = Cli.JsonLines(run.Out).Where(l => l.GetProperty("type").GetString() == "alert").Select(l => l.GetProperty("alertId").GetString()!).ToList();
        printed.ShouldNotBeEmpty();
        printed.ShouldBeUnique();
        _receiver.Requests.ShouldAllBe(r => r.SignatureValid);
        _receiver.Accepted.Keys.Order(StringComparer.Ordinal).ShouldBe(printed.Order(StringComparer.Ordinal));
        _receiver.Accepted.Values.ShouldAllBe(count => count == 1);
        _receiver.Requests.Count.ShouldBe(printed.Count);
    }

    [Fact]
    public async Task Once_json_prints_the_alerts_of_a_subscription_whose_only_channel_is_a_webhook()
    {
        var subscriptions = TestPaths.TempFile("subscriptions.json", $$"""
            { "subscriptions": [
              { "id": "sanctions-hook-only", "topics": ["sanctions"], "minScore": 0.5,
                "channels": [ { "type": "webhook", "url": "{{_receiver.Url.AbsoluteUri}}", "secretEnv": "{{_secretEnv}}" } ] }
            ] }
            """);
        var sample = Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt");

        var run = await Cli.RunAsync("once", "--source", sample, "--subscriptions", subscriptions, "--json");

        run.Exit.ShouldBe(0, run.Err);
        var alert = Cli.JsonLines(run.Out).Where(l => l.GetProperty("type").GetString() == "alert").ShouldHaveSingleItem();
        alert.GetProperty("subscriptionId").GetString().ShouldBe("sanctions-hook-only");
        _receiver.Accepted.Keys.ShouldBe([alert.GetProperty("alertId").GetString()!]);
    }

    [Fact]
    public async Task Alerts_that_failed_are_replayed_once_the_receiver_is_back()
    {
        var up = false;
        _receiver.Script = (_, _) => Task.FromResult<IResult?>(Volatile.Read(ref up) ? null : Results.StatusCode(503));
        var dataDir = TestPaths.TempFolder("replay");
        var subscriptions = Subscriptions();
        var config = TestPaths.TempFile("appsettings.json", """{ "Wirewatch": { "Alerts": { "Webhook": { "Retries": 0 } } } }""");
        var sample = Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt");

        var once = await Cli.RunAsync("once", "--source", sample, "--subscriptions", subscriptions, "--data-dir", dataDir, "--config", config, "--json");
        once.Exit.ShouldBe(0, once.Err);
        var alertId = Cli.JsonLines(once.Out).Single(l => l.GetProperty("type").GetString() == "alert").GetProperty("alertId").GetString();
        _receiver.Accepted.ShouldBeEmpty();

        Volatile.Write(ref up, true);
        var replay = await Cli.RunAsync("alerts", "replay", "--data-dir", dataDir, "--subscriptions", subscriptions, "--config", config, "--json");
        var again = await Cli.RunAsync("alerts", "replay", "--data-dir", dataDir, "--subscriptions", subscriptions, "--config", config, "--json");

        replay.Exit.ShouldBe(0, replay.Err);
        var line = Cli.JsonLines(replay.Out).ShouldHaveSingleItem();
        line.GetProperty("type").GetString().ShouldBe("replayed");
        line.GetProperty("alertId").GetString().ShouldBe(alertId);
        line.GetProperty("outcome").GetString().ShouldBe("delivered");
        Cli.JsonLines(again.Out).ShouldBeEmpty();
        _receiver.Accepted.ShouldBe([new(alertId!, 1)]);
    }

    [Fact]
    public async Task Replay_with_a_missing_data_dir_is_exit_code_2()
    {
        var run = await Cli.RunAsync("alerts", "replay", "--data-dir", Path.Combine(TestPaths.TempFolder("replay"), "missing"));

        run.Exit.ShouldBe(2);
        run.Err.ShouldContain("--data-dir");
    }
}
