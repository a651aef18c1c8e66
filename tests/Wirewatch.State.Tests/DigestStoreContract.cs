using Microsoft.Data.Sqlite;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting;
using Wirewatch.Alerting.Digests;
using Wirewatch.Contracts;
using Wirewatch.State.Postgres;
using Wirewatch.State.Sqlite;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>
/// What scheduled digests rely on from <see cref="IDigestStore"/>: every waiting alert in the next digest once, a period
/// closed once across alerters, a digest closed but not sent found again after a restart.
/// </summary>
public abstract class DigestStoreContract : StateContract
{
    protected IDigestStore Digests() => Replica().GetRequiredService<IDigestStore>();

    protected static AlertRaised Alert(string alertId, string subscription = "desk") =>
        AlertLedgerContract.Candidate(articleId: alertId) with { AlertId = alertId, SubscriptionId = subscription };

    protected DateTimeOffset Minutes(int minutes) => Time.GetUtcNow() + TimeSpan.FromMinutes(minutes);

    [Fact]
    public async Task A_period_takes_every_alert_recorded_up_to_its_end_once_and_the_rest_wait_for_the_next()
    {
        var store = Digests();
        await store.RecordAsync(Alert("a2"), Minutes(2), default);
        await store.RecordAsync(Alert("a1"), Minutes(1), default);
        await store.RecordAsync(Alert("a1"), Minutes(3), default); // a redelivered copy
        await store.RecordAsync(Alert("late"), Minutes(11), default);
        await store.RecordAsync(Alert("other", subscription: "night"), Minutes(1), default);

        var first = await store.CloseAsync("desk", Minutes(10), "desk:digest:1", default);
        var second = await Digests().CloseAsync("desk", Minutes(20), "desk:digest:2", default);

        first.ShouldNotBeNull().Alerts.Select(a => a.AlertId).ShouldBe(["a1", "a2"], "in the order recorded, the copy once");
        first.DigestId.ShouldBe("desk:digest:1");
        first.PeriodEnd.ShouldBe(Minutes(10));
        second.ShouldNotBeNull().Alerts.Select(a => a.AlertId).ShouldBe(["late"]);
        (await store.CloseAsync("night", Minutes(10), "night:digest:1", default)).ShouldNotBeNull().Alerts.Single().AlertId.ShouldBe("other");
    }

    [Fact]
    public async Task The_first_look_records_now_as_the_last_period_end_and_a_close_moves_it()
    {
        var store = Digests();

        (await store.LastPeriodEndAsync("desk", Minutes(0), default)).ShouldBe(Minutes(0));
        (await Digests().LastPeriodEndAsync("desk", Minutes(5), default)).ShouldBe(Minutes(0), "a later look, or another alerter, keeps the first");
        (await store.CloseAsync("desk", Minutes(10), "desk:digest:1", default)).ShouldBeNull("no alert was waiting: nothing to send");
        (await store.LastPeriodEndAsync("desk", Minutes(30), default)).ShouldBe(Minutes(10), "an empty period is closed too");
    }

    [Fact]
    public async Task A_period_is_closed_once_and_an_alert_recorded_late_goes_into_the_next()
    {
        var store = Digests();
        await store.RecordAsync(Alert("a1"), Minutes(1), default);
        (await store.CloseAsync("desk", Minutes(10), "desk:digest:1", default)).ShouldNotBeNull();

        await store.RecordAsync(Alert("a2"), Minutes(5), default); // its replica's clock was behind
        (await Digests().CloseAsync("desk", Minutes(10), "desk:digest:1", default)).ShouldBeNull("the period is closed already");
        (await store.CloseAsync("desk", Minutes(5), "desk:digest:0", default)).ShouldBeNull("an earlier period is closed too");

        (await store.ClaimUnsentAsync(default)).Select(d => d.DigestId).ShouldBe(["desk:digest:1"], "its closer holds it");
        (await store.CloseAsync("desk", Minutes(20), "desk:digest:2", default)).ShouldNotBeNull().Alerts.Single().AlertId.ShouldBe("a2");
    }

    /// <summary>Time passes until a claim's holder that stopped counts as gone (SQLite: the claim lease; PostgreSQL: its liveness row).</summary>
    protected abstract void OutliveAStoppedHolder();

    [Fact]
    public async Task A_digest_closed_but_not_sent_is_claimed_by_another_alerter_once_its_closer_is_gone_until_marked_sent()
    {
        var dead = Digests();
        var periodEnd = Minutes(10);
        await dead.RecordAsync(Alert("a1"), Minutes(1), default);
        await dead.RecordAsync(Alert("a2"), Minutes(2), default);
        await dead.CloseAsync("desk", periodEnd, "desk:digest:1", default);

        var restarted = Digests();
        (await restarted.ClaimUnsentAsync(default)).ShouldBeEmpty("its closer may be sending it right now");
        OutliveAStoppedHolder();
        var unsent = (await restarted.ClaimUnsentAsync(default)).ShouldHaveSingleItem();
        unsent.DigestId.ShouldBe("desk:digest:1");
        unsent.SubscriptionId.ShouldBe("desk");
        unsent.PeriodEnd.ShouldBe(periodEnd);
        unsent.Alerts.Select(a => a.AlertId).ShouldBe(["a1", "a2"]);
        unsent.Alerts[0].Headline.ShouldBe(Alert("a1").Headline, "the alert as raised");
        (await Digests().ClaimUnsentAsync(default)).ShouldBeEmpty("the new holder may be sending it right now");
        (await restarted.ClaimUnsentAsync(default)).ShouldHaveSingleItem("its holder tries again, e.g. after a failed send");

        await restarted.MarkSentAsync("desk:digest:1", Minutes(11), default);
        OutliveAStoppedHolder();
        (await Digests().ClaimUnsentAsync(default)).ShouldBeEmpty("sent");
        (await restarted.ClaimUnsentAsync(default)).ShouldBeEmpty("sent");
    }

    [Fact]
    public async Task Alerters_racing_to_claim_an_abandoned_digest_give_it_to_one()
    {
        var dead = Digests();
        await dead.RecordAsync(Alert("a1"), Minutes(1), default);
        await dead.CloseAsync("desk", Minutes(10), "desk:digest:1", default);
        var replicas = Enumerable.Range(0, 4).Select(_ => Digests()).ToList();
        foreach (var replica in replicas)
        {
            (await replica.ClaimUnsentAsync(default)).ShouldBeEmpty(); // each connected, and the closer still counts as alive
        }

        OutliveAStoppedHolder();
        using var start = new Barrier(replicas.Count);
        var claimed = await Task.WhenAll(replicas.Select(r => Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(30));
            return r.ClaimUnsentAsync(default);
        })));

        claimed.Count(c => c.Count > 0).ShouldBe(1, "one alerter gets the digest to send");
        claimed.SelectMany(c => c).ShouldHaveSingleItem().DigestId.ShouldBe("desk:digest:1");
    }

    [Fact]
    public async Task Alerters_racing_to_close_the_same_period_make_one_digest()
    {
        var writer = Digests();
        for (var i = 0; i < 5; i++)
        {
            await writer.RecordAsync(Alert($"a{i}"), Minutes(i), default);
        }

        var replicas = Enumerable.Range(0, 4).Select(_ => Digests()).ToList();
        foreach (var replica in replicas)
        {
            await replica.LastPeriodEndAsync("desk", Minutes(-60), default); // each has read the same last period end
        }

        using var start = new Barrier(replicas.Count);
        var closed = await Task.WhenAll(replicas.Select(r => Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(30));
            return r.CloseAsync("desk", Minutes(10), "desk:digest:1", default);
        })));

        closed.Count(d => d is not null).ShouldBe(1, "one alerter closes the period");
        closed.Single(d => d is not null)!.Alerts.Count.ShouldBe(5);
        var closer = replicas[Array.FindIndex(closed, d => d is not null)];
        (await closer.ClaimUnsentAsync(default)).ShouldHaveSingleItem().Alerts.Count.ShouldBe(5);
        (await writer.ClaimUnsentAsync(default)).ShouldBeEmpty("the closer holds it");
    }
}

public sealed class SqliteDigestStoreContract : DigestStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => SqliteLocation.NewAsync();

    protected override void OutliveAStoppedHolder() => Time.Advance(new AlertLedgerOptions().ClaimLease + TimeSpan.FromSeconds(1));

    [Fact]
    public async Task A_file_whose_digest_tables_the_store_created_itself_is_taken_over_with_what_waited()
    {
        // A file of the version before digests were migration 3: schema at 2, and the tables as SqliteDigestStore created
        // them in its constructor, with an alert waiting.
        var path = Replica().GetRequiredService<SqliteDatabase>().Path;
        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
                INSERT INTO schema_migrations VALUES (1, 'initial', '2026-01-15T03:00:00Z'), (2, 'throttle', '2026-01-15T03:00:00Z');
                -- The table of step 1 that a later step alters (the others do not matter here).
                CREATE TABLE alert_deliveries (alert_id TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL, claim TEXT, claimed_at TEXT,
                    finished_at TEXT, reason TEXT, detail TEXT, alert_json TEXT NOT NULL, PRIMARY KEY (alert_id, channel));
                CREATE TABLE IF NOT EXISTS digest_alerts (alert_id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
                    alert_json TEXT NOT NULL, digest_id TEXT);
                CREATE INDEX IF NOT EXISTS digest_alerts_waiting ON digest_alerts (subscription_id, digest_id, recorded_at);
                CREATE TABLE IF NOT EXISTS digest_periods (subscription_id TEXT PRIMARY KEY, last_period_end TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS scheduled_digests (digest_id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, period_end TEXT NOT NULL, sent_at TEXT);
                INSERT INTO digest_alerts (alert_id, subscription_id, recorded_at, alert_json) VALUES ('waited', 'desk', '2026-01-15T03:01:00.0000000Z', $json);
                """;
            create.Parameters.AddWithValue("$json", JsonSerializer.Serialize(Alert("waited"), WireJson.Options));
            await create.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();

        var result = await Replica().GetRequiredService<IStateDatabase>().MigrateAsync(default);

        result.Applied.First().Name.ShouldBe("digests", "steps 1 and 2 are recorded: the first step applied is 3");
        (await Digests().CloseAsync("desk", Minutes(10), "desk:digest:1", default)).ShouldNotBeNull().Alerts.Single().AlertId.ShouldBe("waited");
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDigestStoreContract(PostgresCluster cluster) : DigestStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => PostgresLocation.NewAsync(cluster);

    // Seconds, not the 10 min claim lease: the liveness rows tell a dead alerter from a slow one.
    protected override void OutliveAStoppedHolder() => Time.Advance(PostgresAlertLedger.LivenessTimeout + TimeSpan.FromSeconds(1));

    [Fact]
    public async Task A_digest_whose_closer_still_beats_stays_with_it()
    {
        var replica = Replica();
        var closer = replica.GetRequiredService<IDigestStore>();
        await closer.RecordAsync(Alert("a1"), Minutes(1), default);
        await closer.CloseAsync("desk", Minutes(10), "desk:digest:1", default);
        var other = Digests();

        for (var i = 0; i < 3; i++)
        {
            Time.Advance(PostgresAlertLedger.HeartbeatInterval * 3);
            await ((PostgresAlertLedger)replica.GetRequiredService<IAlertLedger>()).BeatAsync(default); // alive, just slow to send
            (await other.ClaimUnsentAsync(default)).ShouldBeEmpty($"beat {i}: its closer is alive");
        }

        Time.Advance(PostgresAlertLedger.LivenessTimeout + TimeSpan.FromSeconds(1)); // no beat since: dead
        (await other.ClaimUnsentAsync(default)).ShouldHaveSingleItem().DigestId.ShouldBe("desk:digest:1");
    }
}
