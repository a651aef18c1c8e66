using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using Wirewatch.Alerting.Channels;
using Wirewatch.Alerting.Digests;
using Wirewatch.Contracts;
using Wirewatch.State;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;
using Wirewatch.Tests.Shared.Postgres;
using Wirewatch.Tests.Shared.Schemas;

namespace Wirewatch.Alerting.Tests;

/// <summary>
/// <c>"digest": {"cron": "0 0 7 * * ?", "timeZone": "Asia/Seoul"}</c> under a fake clock: the bus gets each alert, the
/// webhook one digest of the period at 07:00 Seoul time, once, and a restart neither loses nor doubles one. Run on
/// each state store (<see cref="ScheduledDigestOnSqliteTests"/>, <see cref="ScheduledDigestOnPostgresTests"/>): the
/// alerter keeps its digests in whichever it is given.
/// </summary>
public abstract class ScheduledDigestTests : IAsyncLifetime
{
    protected static readonly TimeSpan Seoul = TimeSpan.FromHours(9);
    private readonly WebhookSecret _secret = WebhookSecret.Create();
    private StateLocation _state = null!;
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 15, 6, 0, 0, Seoul));
    private protected WebhookReceiver Receiver { get; private set; } = null!;

    /// <summary>A fresh, empty state location for this test; the alerter and its restarts share it.</summary>
    protected abstract Task<StateLocation> NewLocationAsync();

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync(_secret.Key);
        _state = await NewLocationAsync();
    }

    public async Task DisposeAsync() => await Receiver.DisposeAsync();

    protected Subscription Morning() => Classified.Sanctions(
        new ChannelDefinition { Type = ChannelTypes.Bus },
        new ChannelDefinition { Type = ChannelTypes.Webhook, Url = Receiver.Url.AbsoluteUri, SecretEnv = _secret.EnvName, Body = WebhookBodies.Envelope })
        with { Digest = new DigestDefinition { Cron = "0 0 7 * * ?", TimeZone = "Asia/Seoul" } };

    private protected Task<AlerterHost> StartAsync(Subscription? subscription = null) => AlerterHost.StartAsync([subscription ?? Morning()], state: _state, time: Time);

    private protected static ScheduledDigests Digests(AlerterHost host) => host.Provider.GetRequiredService<ScheduledDigests>();

    [Fact]
    public async Task The_digest_fires_at_seven_in_seoul_with_the_periods_alerts_once()
    {
        await using var host = await StartAsync();
        (await Digests(host).RunDueAsync(default)).ShouldBe(0, "the schedule starts now");

        Time.Advance(TimeSpan.FromMinutes(10));
        await host.ClassifiedAsync(Classified.Article(0.9, story: "s1"));
        Time.Advance(TimeSpan.FromMinutes(10));
        await host.ClassifiedAsync(Classified.Article(0.75, story: "s2"));

        host.Harness.Published.Select<AlertRaised>().Count().ShouldBe(2, "the bus gets each alert at once");
        Receiver.Requests.ShouldBeEmpty("the webhook waits for the digest");
        Time.SetUtcNow(new DateTimeOffset(2026, 1, 15, 6, 59, 59, Seoul));
        (await Digests(host).RunDueAsync(default)).ShouldBe(0, "not yet seven");

        Time.SetUtcNow(new DateTimeOffset(2026, 1, 15, 7, 0, 0, Seoul));
        (await Digests(host).RunDueAsync(default)).ShouldBe(1);
        (await Digests(host).RunDueAsync(default)).ShouldBe(0, "once");

        var request = Receiver.Requests.ShouldHaveSingleItem();
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
            Time.SetUtcNow(new DateTimeOffset(2026, 1, 15, 7, 0, 0, Seoul));
            (await Digests(host).RunDueAsync(default)).ShouldBe(1);
            Time.SetUtcNow(new DateTimeOffset(2026, 1, 15, 8, 0, 0, Seoul));
            await host.ClassifiedAsync(Classified.Article(0.9, story: "s2"));
        }

        // Down over the next morning's 07:00; back at 07:30.
        Time.SetUtcNow(new DateTimeOffset(2026, 1, 16, 7, 30, 0, Seoul));
        await using (var restarted = await StartAsync())
        {
            (await Digests(restarted).RunDueAsync(default)).ShouldBe(1, "the missed fire, caught up at start");
            (await Digests(restarted).RunDueAsync(default)).ShouldBe(0);
        }

        var requests = Receiver.Requests.OrderBy(r => r.Number).ToList();
        requests.Select(r => r.Id).ShouldBe(["sanctions-desk:digest:20260114T2200Z", "sanctions-desk:digest:20260115T2200Z"]);
        using var second = JsonDocument.Parse(requests[1].Body);
        second.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("alertId").GetString())
            .ShouldBe(["sanctions-desk:s2"], "only the new period's alert");
    }

    [Fact]
    public async Task A_weekly_digest_whose_fire_passed_days_before_the_restart_is_caught_up_once()
    {
        var weekly = Morning() with { Digest = new DigestDefinition { Cron = "0 0 7 ? * MON", TimeZone = "Asia/Seoul" } };
        await using (var host = await StartAsync(weekly))
        {
            (await Digests(host).RunDueAsync(default)).ShouldBe(0, "the schedule starts now, Thursday 15 January");
            await host.ClassifiedAsync(Classified.Article(0.9, story: "s1"));
        }

        // Down over Monday 19 January 07:00 Seoul; back on Wednesday, two days after that fire.
        Time.SetUtcNow(new DateTimeOffset(2026, 1, 21, 9, 0, 0, Seoul));
        await using (var restarted = await StartAsync(weekly))
        {
            (await Digests(restarted).RunDueAsync(default)).ShouldBe(1, "Monday's fire, caught up at start, not a week later");
            (await Digests(restarted).RunDueAsync(default)).ShouldBe(0, "once");
        }

        var request = Receiver.Requests.ShouldHaveSingleItem();
        request.Id.ShouldBe("sanctions-desk:digest:20260118T2200Z");
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("alertId").GetString())
            .ShouldBe(["sanctions-desk:s1"]);
    }
}

public sealed class ScheduledDigestOnSqliteTests : ScheduledDigestTests
{
    protected override Task<StateLocation> NewLocationAsync() =>
        Task.FromResult(StateLocation.Sqlite(Path.Combine(TestPaths.TempFolder("digests"), "wirewatch.db")));

    // Store-independent checks, once: Quartz keeps its log provider in a static, so a second container resolving
    // ISchedulerFactory in this process after the first was disposed would log through a disposed factory.
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

    [Fact]
    public async Task A_digest_closed_but_not_sent_before_its_alerter_died_is_sent_once_with_its_id_when_the_claim_is_free()
    {
        await using (var host = await StartAsync())
        {
            await Digests(host).RunDueAsync(default);
            await host.ClassifiedAsync(Classified.Article(0.9, story: "s1"));
            Time.Advance(TimeSpan.FromMinutes(1)); // a period ending after the one the start recorded (that one counts as closed)
            // What an alerter killed between closing the period and sending leaves behind.
            var closed = await host.Provider.GetRequiredService<IDigestStore>().CloseAsync("sanctions-desk", Time.GetUtcNow(), "sanctions-desk:digest:interrupted", default);
            closed.ShouldNotBeNull().Alerts.Count.ShouldBe(1);
        }

        // The closer holds the digest: on SQLite, which has no liveness rows, for the claim lease, so that another alerter
        // on the file never sends a digest its closer is still sending.
        await using var restarted = await StartAsync();
        (await Digests(restarted).RunDueAsync(default)).ShouldBe(0, "the dead closer's claim is still within its lease");
        Receiver.Requests.ShouldBeEmpty();
        Time.Advance(new AlertLedgerOptions().ClaimLease + TimeSpan.FromSeconds(1));
        // The sweep of abandoned claims sends it: this call, or the sweeper's own timer on the same clock if it came first.
        await Digests(restarted).SendAbandonedAsync(default);
        (await Digests(restarted).RunDueAsync(default)).ShouldBe(0);
        (await Digests(restarted).SendAbandonedAsync(default)).ShouldBe(0);

        Receiver.Requests.ShouldHaveSingleItem().Id.ShouldBe("sanctions-desk:digest:interrupted");
    }
}

/// <summary>
/// The same scenarios with the alerter's state in PostgreSQL (a private cluster; the digest store's own contract,
/// replicas racing included, is <c>DigestStoreContract</c> in Wirewatch.State.Tests).
/// </summary>
public sealed class ScheduledDigestOnPostgresTests(PostgresCluster cluster) : ScheduledDigestTests, IClassFixture<PostgresCluster>
{
    protected override async Task<StateLocation> NewLocationAsync() => StateLocation.Postgres(await cluster.CreateDatabaseAsync("digests"));
}

/// <summary>Which fire closes the period: the latest one since the last period's end, however far back it lies.</summary>
public sealed class DigestFireTimeTests
{
    private static readonly DateTimeOffset Wednesday = new(2026, 1, 21, 9, 0, 0, TimeSpan.FromHours(9));

    [Theory]
    [InlineData("0 0 7 * * ?", 3, "2026-01-21T07:00:00+09:00")] // daily, three days down: this morning's
    [InlineData("0 0 7 ? * MON", 9, "2026-01-19T07:00:00+09:00")] // weekly: Monday's, two days ago
    [InlineData("0 0 7 1 * ?", 60, "2026-01-01T07:00:00+09:00")] // monthly: the 1st, twenty days ago
    [InlineData("0 0 7 1 1 ?", 800, "2026-01-01T07:00:00+09:00")] // yearly, two years behind: this year's
    [InlineData("* * * * * ?", 365, "2026-01-21T09:00:00+09:00")] // every second, a year behind: now
    public void The_latest_fire_after_the_last_period_end_is_found(string cron, int daysSinceLastPeriod, string expected)
    {
        var digest = new DigestDefinition { Cron = cron, TimeZone = "Asia/Seoul" };

        ScheduledDigests.LatestFireBetween(digest, Wednesday.AddDays(-daysSinceLastPeriod), Wednesday)
            .ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void No_fire_since_the_last_period_end_closes_nothing()
    {
        var weekly = new DigestDefinition { Cron = "0 0 7 ? * MON", TimeZone = "Asia/Seoul" };

        ScheduledDigests.LatestFireBetween(weekly, new DateTimeOffset(2026, 1, 19, 7, 0, 0, TimeSpan.FromHours(9)), Wednesday)
            .ShouldBeNull("Monday's fire closed the last period; the next is next Monday");
    }
}
