using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting;
using Wirewatch.Contracts;
using Wirewatch.State.Sqlite;
using Wirewatch.Tests.Shared;
using Wirewatch.Worker.Cli;
using static Wirewatch.WebConsole.Tests.ConsoleFixture;
using static Wirewatch.WebConsole.Tests.ConsoleForms;

namespace Wirewatch.WebConsole.Tests;

/// <summary>
/// The console as a role of its own (<c>Wirewatch:Roles=console</c>) and the alerter as another, sharing only the state
/// store, as two deployments do: an operator's replay is recorded by the console and carried out by the alerter.
/// </summary>
public sealed class ReplayAcrossRolesTests : IAsyncLifetime
{
    private const string AlertId = "sanctions-desk:bus-outage-story";
    private readonly string _dataDir = TestPaths.TempFolder("console-roles");
    private ConsoleApiFactory? _console;
    private WebApplication? _alerter;

    public async Task InitializeAsync()
    {
        // A sanctions alert whose bus delivery failed for good (the shipped sanctions-desk has one channel: the bus).
        var ledger = new SqliteAlertLedger(new SqliteDatabase(Path.Combine(_dataDir, "wirewatch.db")));
        var alert = new AlertRaised
        {
            AlertId = AlertId, SubscriptionId = "sanctions-desk", Severity = "high", Topics = [new AlertTopic { Topic = "sanctions", Score = 0.9 }],
            Headline = "Alert lost to a broker outage", Url = "https://wire.example/outage", Evidence = [], IsUpdate = false,
            ArticleId = "outage-article", Version = 1, StoryId = "bus-outage-story", SourceId = "test", ProducedAt = TimeProvider.System.GetUtcNow(),
        };
        var raised = (await ledger.RaiseAsync(alert, default)).ShouldNotBeNull();
        (await ledger.DeliverOnceAsync(raised.Alert, "bus", _ => Task.FromResult(ChannelResult.Failed("broker-unreachable", "connection refused")), default))
            .ShouldBe(DeliveryOutcome.DeadLettered);
        _console = new ConsoleApiFactory(Config("console"));
    }

    public async Task DisposeAsync()
    {
        if (_alerter is not null)
        {
            await _alerter.StopAsync();
            await _alerter.DisposeAsync();
        }

        if (_console is not null)
        {
            await _console.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_replay_requested_in_a_console_of_its_own_is_carried_out_by_a_separate_alerter()
    {
        using var operatorClient = _console!.Client(OperatorToken);
        _console.Services.GetService<AlertReplayer>().ShouldBeNull("the console role runs no alerter, so it cannot replay in-process");
        var before = await ChannelAsync(operatorClient);
        before.GetProperty("state").GetString().ShouldBe("dead-lettered");

        // The console records the request; with no alerter running it stays pending.
        var request = await PostJsonAsync(operatorClient, $"api/alerts/{Uri.EscapeDataString(AlertId)}/replay", "", HttpStatusCode.Accepted);
        (await ReplayAsync(operatorClient, request.GetProperty("id").GetInt64())).GetProperty("state").GetString().ShouldBe("pending");

        // The alerter, a process of its own on the same state store, takes it and delivers on its bus.
        _alerter = RunCommand.Build(Config("alerter"));
        await _alerter.StartAsync();
        JsonElement replay = default;
        await Eventually.True(async () =>
            {
                replay = await ReplayAsync(operatorClient, request.GetProperty("id").GetInt64());
                return replay.GetProperty("state").GetString() == "done";
            }, "the alerter to carry out the console's replay request", lastSeen: () => replay.ToString());
        var result = replay.GetProperty("results").EnumerateArray().ShouldHaveSingleItem();
        (result.GetProperty("channel").GetString(), result.GetProperty("outcome").GetString()).ShouldBe(("bus", "delivered"));

        // The console shows the channel as retried: delivered, but not at the first attempt.
        var after = await ChannelAsync(operatorClient);
        after.GetProperty("state").GetString().ShouldBe("retried");
        after.GetProperty("attempts").GetInt32().ShouldBe(2);
        var page = await operatorClient.GetStringAsync("alerts?subscription=sanctions-desk");
        page.ShouldContain("<span class=\"state-retried\">retried</span>");
        page.ShouldContain("delivered on attempt 2");
        page.ShouldNotContain("class=\"replay\"", Case.Sensitive, "nothing is dead-lettered any more, so there is nothing to replay");
    }

    private static async Task<JsonElement> ChannelAsync(HttpClient client)
    {
        var alerts = await GetJsonAsync(client, "api/alerts?subscription=sanctions-desk");
        return alerts.EnumerateArray().Single(a => a.GetProperty("alert").GetProperty("alertId").GetString() == AlertId)
            .GetProperty("channels").EnumerateArray().ShouldHaveSingleItem();
    }

    private static async Task<JsonElement> ReplayAsync(HttpClient client, long id) =>
        (await GetJsonAsync(client, $"api/replays?alert={Uri.EscapeDataString(AlertId)}")).EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id);

    private string Config(string roles) => ConsoleFixture.ConfigFile(roles, _dataDir);
}
