using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Tests.Shared;
using Wirewatch.Worker.Cli;

namespace Wirewatch.WebConsole.Tests;

/// <summary><c>wirewatch run</c> follows <c>subscriptions.json</c>: a valid change is in force within the 10 s interval, a typo is refused and the set stays.</summary>
public sealed class RunReloadTests
{
    [Fact]
    public async Task Run_puts_a_changed_subscriptions_file_in_force_without_a_restart_and_refuses_an_invalid_one()
    {
        var work = TestPaths.TempFolder("console-reload");
        var subscriptions = Path.Combine(work, "subscriptions.json");
        await File.WriteAllTextAsync(subscriptions, """{"subscriptions":[{"id":"before-reload","topics":["sanctions"]}]}""");
        var config = Path.Combine(work, "config.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Urls": "http://127.0.0.1:0",
              "Wirewatch": {
                "Roles": "console,alerter",
                "DataDir": "{{Json(Path.Combine(work, "data"))}}",
                "SubscriptionsFile": "{{Json(subscriptions)}}",
                "Console": { "OperatorTokenFile": "{{Json(TestPaths.TempFile("op.token", ConsoleFixture.OperatorToken))}}",
                             "SubscriberTokenFile": "{{Json(TestPaths.TempFile("sub.token", ConsoleFixture.SubscriberToken))}}" }
              }
            }
            """);
        await using var app = RunCommand.Build(config);
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address + "/") };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ConsoleFixture.SubscriberToken);
            // The backtest form starts from the subscriptions in force.
            (await client.GetStringAsync("backtest")).ShouldContain("before-reload");

            await File.WriteAllTextAsync(subscriptions, """{"subscriptions":[{"id":"after-reload","topics":["defense"]}]}""");
            // One 10 s tick suffices (SubscriptionsTests shows it on a fake clock); the deadline leaves room for a loaded machine.
            await Eventually.True(async () => (await client.GetStringAsync("backtest")).Contains("after-reload", StringComparison.Ordinal),
                "the changed subscriptions in force", TimeSpan.FromSeconds(30));

            await File.WriteAllTextAsync(subscriptions, """{"subscriptions":[{"id":"typo","topics":["sanctionz"]}]}""");
            var reloads = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Alerting.SubscriptionsReloader>().ShouldHaveSingleItem();
            reloads.Reload().ShouldBeFalse("the typo is refused");
            var page = await client.GetStringAsync("backtest");
            page.ShouldContain("after-reload");
            page.ShouldNotContain("typo");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static string Json(string text) => System.Text.Json.JsonEncodedText.Encode(text).ToString();
}
