using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using Wirewatch.Alerting.Channels;
using Wirewatch.Alerting.Digests;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;
using Wirewatch.Tests.Shared.Schemas;

namespace Wirewatch.Alerting.Tests;

/// <summary>
/// <c>"digest": {"cron": "0 0 7 * * ?", "timeZone": "Asia/Seoul"}</c> under a fake clock: the bus gets each alert, the
/// webhook one digest of the period at 07:00 Seoul time, once, and a restart neither loses nor doubles one.
/// </summary>
public sealed class ScheduledDigestTests : IAsyncLifetime
{
    private static readonly TimeSpan Seoul = TimeSpan.FromHours(9);
    private readonly WebhookSecret _secret = WebhookSecret.Create();
    private readonly string _database = Path.Combine(TestPaths.TempFolder("digests"), "wirewatch.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 15, 6, 0, 0, Seoul));
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(_secret.Key);

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private Subscription Morning() => Classified.Sanctions(
        new ChannelDefinition { Type = ChannelTypes.Bus },
        new ChannelDefinition { Type = ChannelTypes.Webhook, Url = _receiver.Url.AbsoluteUri, SecretEnv = _secret.EnvName, Body = WebhookBodies.Envelope })
        with { Digest = new DigestDefinition { Cron = "0 0 7 * * ?", TimeZone = "Asia/Seoul" } };

    private Task<AlerterHost> StartAsync() => AlerterHost.StartAsync([Morning()], databasePath: _database, time: _time);

    private static ScheduledDigests Digests(AlerterHost host) => host.Provider.GetRequiredService<ScheduledDigests>();

    [Fact]
    public async Task The_digest_fires_at_seven_in_seoul_with_the_periods_alerts_once()
    {
        await using var host = await StartAsync();
        (await Digests(host).RunDueAsync(default)).ShouldBe(0, "the schedule starts now");

        _time.Advance(TimeSpan.FromMinutes(10));
        await host.ClassifiedAsync(Classified.Article(0.9, story: "s1"));
        _time.Advance(TimeSpan.FromMinutes(10));
        await host.ClassifiedAsync(Classified.Article(0.75, story: "s2"));

        host.Harness.Published.Select<AlertRaised>().Count().ShouldBe(2, "the bus gets each alert at once");
        _receiver.Requests.ShouldBeEmpty("the webhook waits for the digest");
        _time.SetUtcNow(new DateTimeOffset(2026, 1, 15, 6, 59, 59, Seoul));
        (await Digests(host).RunDueAsync(default)).ShouldBe(0, "not yet seven");

        _time.SetUtcNow(new DateTimeOffset(2026, 1, 15, 7, 0, 0, Seoul));
        (await Digests(host).RunDueAsync(default)).ShouldBe(1);
        (await Digests(host).RunDueAsync(default)).ShouldBe(0, "once");

        var request = _receiver.Requests.ShouldHaveSingleItem();
        request.SignatureValid.ShouldBeTrue();
        request.Id.ShouldBe("sanctions-desk:digest:20260114T2200Z");
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("type").GetString().ShouldBe("alert.digest");
        var data = body.RootElement.GetProperty("data");
        WireSchemas.Errors("alert-digest.schema.json", data.GetRawText()).ShouldBeEmpty();
        data.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("alertId").GetString())
            .ShouldBe(["sanctions-desk:s1", "sanctions-desk:s2"]);
    }

    [Fact]
    public async Task A_restart_neither_loses_nor_doubles_a_digest_and_a_fire_missed_while_down_is_caught_up_once()
    {
        await using (var host = await StartAsync())
        {
            await Digests(host).RunDueAsync(default);
            await host.ClassifiedAsync(Classified.Article(0.9, story: "s1"));
            _time.SetUtcNow(new DateTimeOffset(2026, 1, 15, 7, 0, 0, Seoul));
            (await Digests(host).RunDueAsync(default)).ShouldBe(1);
            _time.SetUtcNow(new DateTimeOffset(2026, 1, 15, 8, 0, 0, Seoul));
            await host.ClassifiedAsync(Classified.Article(0.9, story: "s2"));
        }

        // Down over the next morning's 07:00; back at 07:30.
        _time.SetUtcNow(new DateTimeOffset(2026, 1, 16, 7, 30, 0, Seoul));
        await using (var restarted = await StartAsync())
        {
            (await Digests(restarted).RunDueAsync(default)).ShouldBe(1, "the missed fire, caught up at start");
            (await Digests(restarted).RunDueAsync(default)).ShouldBe(0);
        }

        var requests = _receiver.Requests.OrderBy(r => r.Number).ToList();
        requests.Select(r => r.Id).ShouldBe(["sanctions-desk:digest:20260114T2200Z", "sanctions-desk:digest:20260115T2200Z"]);
        using var second = JsonDocument.Parse(requests[1].Body);
        second.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("alertId").GetString())
            .ShouldBe(["sanctions-desk:s2"], "only the new period's alert");
    }

    [Fact]
    public async Task A_digest_closed_but_not_sent_before_its_alerter_died_is_sent_once_with_its_id_when_the_claim_is_free()
    {
        await using (var host = await StartAsync())
        {
            await Digests(host).RunDueAsync(default);
            await host.ClassifiedAsync(Classified.Article(0.9, story: "s1"));
            _time.Advance(TimeSpan.FromMinutes(1)); // a period ending after the one the start recorded (that one counts as closed)
            // What an alerter killed between closing the period and sending leaves behind.
            var closed = await host.Provider.GetRequiredService<IDigestStore>().CloseAsync("sanctions-desk", _time.GetUtcNow(), "sanctions-desk:digest:interrupted", default);
            closed.ShouldNotBeNull().Alerts.Count.ShouldBe(1);
        }

        // The closer holds the digest: on SQLite, which has no liveness rows, for the claim lease, so that another alerter
        // on the file never sends a digest its closer is still sending.
        await using var restarted = await StartAsync();
        (await Digests(restarted).RunDueAsync(default)).ShouldBe(0, "the dead closer's claim is still within its lease");
        _receiver.Requests.ShouldBeEmpty();
        _time.Advance(new AlertLedgerOptions().ClaimLease + TimeSpan.FromSeconds(1));
        // The sweep of abandoned claims sends it: this call, or the sweeper's own timer on the same clock if it came first.
        await Digests(restarted).SendAbandonedAsync(default);
        (await Digests(restarted).RunDueAsync(default)).ShouldBe(0);
        (await Digests(restarted).SendAbandonedAsync(default)).ShouldBe(0);

        _receiver.Requests.ShouldHaveSingleItem().Id.ShouldBe("sanctions-desk:digest:interrupted");
    }

    [Fact]
    public async Task Each_digest_subscription_gets_a_quartz_cron_trigger_in_its_time_zone()
    {
        await using var host = await StartAsync();

        var scheduler = await host.Provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = (await scheduler.GetTrigger(new TriggerKey("digest-sanctions-desk", ScheduledDigestJob.Key.Group))).ShouldBeAssignableTo<ICronTrigger>()!;

        trigger.CronExpressionString.ShouldBe("0 0 7 * * ?");
        trigger.TimeZone.ShouldBe(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
        trigger.JobKey.ShouldBe(ScheduledDigestJob.Key);
    }

    [Theory]
    [InlineData("0 0 7 * *", "Asia/Seoul", "digest.cron")]
    [InlineData("0 0 7 * * ?", "Mars/Olympus", "digest.timeZone")]
    public void A_bad_digest_is_refused_naming_the_field(string cron, string zone, string field)
    {
        var subscription = Morning() with { Digest = new DigestDefinition { Cron = cron, TimeZone = zone } };

        Should.Throw<InvalidSubscriptionException>(() => new SubscriptionCatalog([subscription])).Message.ShouldContain(field);
    }
}
