using System.Text.Json.Nodes;
using MassTransit.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting.Channels;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Alerting.Tests;

/// <summary>Slack and Teams channels against loopback receivers that refuse what the real services refuse.</summary>
public sealed class ChatChannelTests : IAsyncLifetime
{
    private ChatReceiver _slack = null!;
    private ChatReceiver _teams = null!;

    public async Task InitializeAsync()
    {
        _slack = await ChatReceiver.StartAsync("slack");
        _teams = await ChatReceiver.StartAsync("teams");
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _teams.DisposeAsync();
    }

    private Subscription Chat(ThrottleDefinition? throttle = null) => Classified.Sanctions(
        new ChannelDefinition { Type = ChannelTypes.Slack, Url = _slack.Url.AbsoluteUri },
        new ChannelDefinition { Type = ChannelTypes.Teams, Url = _teams.Url.AbsoluteUri }) with { Throttle = throttle };

    [Fact]
    public async Task Slack_gets_block_kit_with_the_headline_link_severity_topics_quotes_and_an_update_marker()
    {
        await using var host = await AlerterHost.StartAsync([Chat()]);

        await host.ClassifiedAsync(Classified.Article(0.75));
        await host.ClassifiedAsync(Classified.Article(0.9, version: 2)); // An update: now high.

        _slack.Refused.ShouldBeEmpty();
        var (first, update) = (_slack.Accepted.First(), _slack.Accepted.Last());
        _slack.Accepted.Count.ShouldBe(2);
        var text = Texts(first);
        text.ShouldContain("*<https://wire.example/story-1|Council adopts new measures>*");
        text.ShouldContain("Severity: *MEDIUM*");
        text.ShouldContain("Topics: sanctions 0.75");
        text.ShouldContain("> The council adopted sanctions.");
        text.ShouldNotContain("Update");
        first["text"]!.GetValue<string>().ShouldBe("MEDIUM sanctions: Council adopts new measures");
        Texts(update).ShouldContain(":arrows_counterclockwise: *Update* of `sanctions-desk:story-1`");
        Texts(update).ShouldContain("Severity: *HIGH*");
        update["text"]!.GetValue<string>().ShouldStartWith("UPDATE HIGH");
    }

    [Fact]
    public async Task Teams_gets_an_adaptive_card_1_4_with_the_headline_link_facts_quotes_and_an_update_marker()
    {
        await using var host = await AlerterHost.StartAsync([Chat()]);

        await host.ClassifiedAsync(Classified.Article(0.75));
        await host.ClassifiedAsync(Classified.Article(0.9, version: 2));

        _teams.Refused.ShouldBeEmpty();
        _teams.Accepted.Count.ShouldBe(2);
        var card = _teams.Accepted.First()["attachments"]![0]!["content"]!.AsObject();
        card["version"]!.GetValue<string>().ShouldBe("1.4");
        var text = Texts(card);
        text.ShouldContain("[Council adopts new measures](https://wire.example/story-1)");
        var facts = card["body"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "FactSet")!["facts"]!.AsArray()
            .ToDictionary(f => f!["title"]!.GetValue<string>(), f => f!["value"]!.GetValue<string>());
        facts["Severity"].ShouldBe("MEDIUM");
        facts["Topics"].ShouldBe("sanctions 0.75");
        text.ShouldContain("“The council adopted sanctions.”");
        text.ShouldNotContain("UPDATE");
        card["actions"]![0]!["url"]!.GetValue<string>().ShouldBe("https://wire.example/story-1");
        Texts(_teams.Accepted.Last()).ShouldContain("UPDATE of sanctions-desk:story-1");
    }

    [Fact]
    public async Task A_chat_endpoint_failing_for_a_while_gets_the_alert_once_through_the_webhook_retries()
    {
        _slack.Script = n => n <= 2 ? Results.StatusCode(503) : null;
        await using var host = await AlerterHost.StartAsync([Chat()]);

        await host.ClassifiedAsync(Classified.Article(0.9));

        _slack.Requests.ShouldBe(3);
        _slack.Accepted.Count.ShouldBe(1);
        (await host.Ledger.DeadLettersAsync(null, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_gone_chat_endpoint_is_disabled_and_dead_lettered_without_its_secret_url_in_the_event()
    {
        _teams.Script = _ => Results.StatusCode(410);
        await using var host = await AlerterHost.StartAsync([Chat()]);

        await host.ClassifiedAsync(Classified.Article(0.9, story: "s1"));
        await host.ClassifiedAsync(Classified.Article(0.9, story: "s2"));

        _teams.Requests.ShouldBe(1, "nothing more is sent to a gone endpoint");
        var failed = host.Harness.Published.Select<AlertDeliveryFailed>().Select(p => p.Context.Message).ToList();
        failed.Select(f => f.Reason).ShouldBe(["gone", "channel-disabled"]);
        failed.ShouldAllBe(f => f.Channel == "teams" && !f.Endpoint.Contains("SECRET", StringComparison.Ordinal));
        (await host.Ledger.DeadLettersAsync(null, default)).ShouldAllBe(d => !d.Channel.Contains("SECRET", StringComparison.Ordinal));
        _slack.Accepted.Count.ShouldBe(2, "the other channel goes on");
        host.Logs.Lines.Where(l => l.Contains("SECRETTOKEN", StringComparison.Ordinal)).ShouldBeEmpty("the incoming-webhook URL is a secret");
    }

    [Fact]
    public async Task A_chat_endpoint_that_keeps_failing_opens_its_circuit_and_later_alerts_are_dead_lettered_without_a_call()
    {
        // The webhook pipeline's breaker, made small: open after two failed calls, for longer than the test.
        _slack.Script = _ => Results.StatusCode(500);
        await using var host = await AlerterHost.StartAsync([Chat()], webhook: o =>
        {
            o.Retries = 0;
            o.BreakerMinimumThroughput = 2;
            o.BreakerFailureRatio = 0.5;
            o.BreakDuration = TimeSpan.FromMinutes(10);
        });

        foreach (var story in new[] { "s1", "s2", "s3", "s4" })
        {
            await host.ClassifiedAsync(Classified.Article(0.9, story: story));
        }

        _slack.Requests.ShouldBe(2, "once the circuit is open nothing more reaches the failing endpoint");
        var slackDeadLetters = (await host.Ledger.DeadLettersAsync(null, default)).Where(d => d.Channel.StartsWith("slack:", StringComparison.Ordinal))
            .OrderBy(d => d.Alert.AlertId, StringComparer.Ordinal).ToList();
        slackDeadLetters.Select(d => d.Reason).ShouldBe(["retries-exhausted", "retries-exhausted", "circuit-open", "circuit-open"],
            "every alert is dead-lettered for replay, the last two without a call");
        host.Harness.Published.Select<AlertDeliveryFailed>().Select(p => p.Context.Message).Where(f => f.Channel == "slack")
            .Select(f => f.Reason).Order(StringComparer.Ordinal).ShouldBe(["circuit-open", "circuit-open", "retries-exhausted", "retries-exhausted"]);
        _teams.Accepted.Count.ShouldBe(4, "another endpoint has its own circuit");
    }

    [Fact]
    public async Task A_chat_alert_dead_lettered_after_the_retry_budget_is_delivered_once_by_a_replay()
    {
        var up = false;
        _teams.Script = _ => Volatile.Read(ref up) ? null : Results.StatusCode(503);
        await using var host = await AlerterHost.StartAsync([Chat()], webhook: o => o.Retries = 2);

        await host.ClassifiedAsync(Classified.Article(0.9));

        _teams.Requests.ShouldBe(3, "the first try and two retries");
        host.Harness.Published.Select<AlertDeliveryFailed>().ShouldHaveSingleItem().Context.Message.Reason.ShouldBe("retries-exhausted");

        Volatile.Write(ref up, true);
        var replayer = host.Provider.GetRequiredService<AlertReplayer>();
        (await replayer.ReplayAsync(null, enableChannels: false, default)).ShouldHaveSingleItem().Outcome.ShouldBe("delivered");
        (await replayer.ReplayAsync(null, enableChannels: false, default)).ShouldBeEmpty("nothing is left to replay");
        _teams.Refused.ShouldBeEmpty();
        _teams.Accepted.Count.ShouldBe(1, "the replayed card, once");
        _slack.Accepted.Count.ShouldBe(1, "the other channel got it the first time and not again");
    }

    [Fact]
    public async Task A_digest_is_one_valid_message_in_each_tool()
    {
        await using var host = await AlerterHost.StartAsync([Chat(new ThrottleDefinition { MaxPerHour = 1, DigestAfter = 2 })]);

        foreach (var story in new[] { "s1", "s2", "s3" })
        {
            await host.ClassifiedAsync(Classified.Article(0.9, story: story));
        }

        _slack.Refused.ShouldBeEmpty();
        _teams.Refused.ShouldBeEmpty();
        Texts(_slack.Accepted.Last()).ShouldContain("Wirewatch digest: 2 alerts");
        Texts(_teams.Accepted.Last()).ShouldContain("Wirewatch digest: 2 alerts");
    }

    [Fact]
    public void Headlines_and_urls_cannot_break_out_of_their_links()
    {
        var alert = new SubscriptionMatcher().Match(Classified.Article(0.9), Classified.Sanctions(), Wirewatch.Tests.Shared.Articles.FixedNow)! with
        {
            Headline = "Seoul <b>bans</b> [tankers] & more",
            Url = "https://wire.example/a?x=1|2&y=<3>",
        };

        var slack = Texts(new SlackFormatter().Alert(alert));
        var teams = Texts(new TeamsFormatter().Alert(alert));

        slack.ShouldContain("*<https://wire.example/a?x=1%7C2&y=%3C3%3E|Seoul &lt;b&gt;bans&lt;/b&gt; [tankers] &amp; more>*");
        teams.ShouldContain("[Seoul <b>bans</b> (tankers) & more](https://wire.example/a?x=1|2&y=<3>)");
    }

    /// <summary>Every string in the message, joined: what a reader of the rendered message sees, roughly.</summary>
    private static string Texts(JsonNode node) => node switch
    {
        JsonObject o => string.Join("\n", o.Select(p => Texts(p.Value!))),
        JsonArray a => string.Join("\n", a.Select(e => Texts(e!))),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => "",
    };
}
