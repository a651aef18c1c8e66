using System.Text.Json;
using Npgsql;
using Wirewatch.Alerting.Digests;
using Wirewatch.Contracts;
using static Wirewatch.State.Postgres.PostgresDatabase;

namespace Wirewatch.State.Postgres;

/// <summary>
/// <see cref="IDigestStore"/> in PostgreSQL, shared by every alerter replica. A period is closed by an upsert of the
/// subscription's <c>digest_periods</c> row that moves its end forward only while it is behind: replicas racing to close
/// one period queue on that row's lock, and the ones after the first find it moved and get null, so it is closed once.
/// A closed digest is claimed by its closer, named by the alert ledger's instance (<paramref name="liveness"/>), whose
/// liveness row says it is alive: another replica takes an unsent digest over only once that row has aged out.
/// </summary>
public sealed class PostgresDigestStore(PostgresDatabase database, PostgresAlertLedger liveness, TimeProvider time) : IDigestStore
{
    public async Task RecordAsync(AlertRaised alert, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, """
            INSERT INTO digest_alerts (alert_id, subscription_id, recorded_at, alert_json) VALUES (@id, @sub, @at, @json)
            ON CONFLICT (alert_id) DO NOTHING
            """, cancellationToken, ("id", alert.AlertId), ("sub", alert.SubscriptionId), ("at", at.ToUniversalTime()), ("json", JsonSerializer.Serialize(alert, WireJson.Options)));
    }

    public async Task<DateTimeOffset> LastPeriodEndAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // One statement that always returns the row: the first caller's insert, or the existing end (a no-op update,
        // which also sees a row another replica inserted a moment ago, unlike a SELECT on this statement's snapshot).
        await using var command = Command(connection, """
            INSERT INTO digest_periods (subscription_id, last_period_end) VALUES (@sub, @now)
            ON CONFLICT (subscription_id) DO UPDATE SET last_period_end = digest_periods.last_period_end
            RETURNING last_period_end
            """, ("sub", subscriptionId), ("now", now.ToUniversalTime()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    public async Task<ScheduledDigest?> CloseAsync(string subscriptionId, DateTimeOffset periodEnd, string digestId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await liveness.BecomeHolderAsync(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var moved = await ExecuteSqlAsync(connection, """
            INSERT INTO digest_periods (subscription_id, last_period_end) VALUES (@sub, @end)
            ON CONFLICT (subscription_id) DO UPDATE SET last_period_end = EXCLUDED.last_period_end
                WHERE digest_periods.last_period_end < EXCLUDED.last_period_end
            """, cancellationToken, ("sub", subscriptionId), ("end", periodEnd.ToUniversalTime()));
        if (moved == 0)
        {
            return null; // closed already (another replica, or an earlier run); rolled back on dispose
        }

        var alerts = new List<AlertRaised>();
        await using (var take = Command(connection, """
            WITH taken AS (
                UPDATE digest_alerts SET digest_id = @digest
                WHERE subscription_id = @sub AND digest_id IS NULL AND recorded_at <= @end
                RETURNING alert_id, recorded_at, alert_json)
            SELECT alert_json FROM taken ORDER BY recorded_at, alert_id
            """, ("digest", digestId), ("sub", subscriptionId), ("end", periodEnd.ToUniversalTime())))
        {
            await ReadAlertsAsync(take, alerts, cancellationToken);
        }

        if (alerts.Count > 0)
        {
            await ExecuteSqlAsync(connection, """
                INSERT INTO scheduled_digests (digest_id, subscription_id, period_end, holder, claimed_at) VALUES (@digest, @sub, @end, @me, @now)
                ON CONFLICT (digest_id) DO NOTHING
                """, cancellationToken, ("digest", digestId), ("sub", subscriptionId), ("end", periodEnd.ToUniversalTime()), ("me", liveness.InstanceId),
                ("now", time.GetUtcNow().ToUniversalTime()));
        }

        await transaction.CommitAsync(cancellationToken);
        return alerts.Count > 0 ? new ScheduledDigest(digestId, subscriptionId, periodEnd, alerts) : null;
    }

    public async Task<IReadOnlyList<ScheduledDigest>> ClaimUnsentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await liveness.BecomeHolderAsync(connection, cancellationToken);
        var now = time.GetUtcNow().ToUniversalTime();
        var unsent = new List<(string Id, string Subscription, DateTimeOffset End)>();
        // One statement: replicas claiming at once queue on each row's lock, and the later ones re-check the row as the
        // first left it: claimed a moment ago, so they skip it (a claim is taken over only when its holder is gone and
        // the claim older than the liveness timeout; the second half is what that re-check can see).
        await using (var command = Command(connection, """
                         WITH claimed AS (
                             UPDATE scheduled_digests d SET holder = @me, claimed_at = @now
                             WHERE d.sent_at IS NULL
                               AND (d.holder IS NULL OR d.holder = @me
                                    OR (d.claimed_at <= @aliveCutoff AND NOT EXISTS (
                                        SELECT 1 FROM alerter_instances i WHERE i.instance_id = d.holder AND i.heartbeat_at > @aliveCutoff)))
                             RETURNING d.digest_id, d.subscription_id, d.period_end)
                         SELECT digest_id, subscription_id, period_end FROM claimed ORDER BY period_end, digest_id
                         """, ("me", liveness.InstanceId), ("now", now), ("aliveCutoff", now - PostgresAlertLedger.LivenessTimeout)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                unsent.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        var digests = new List<ScheduledDigest>();
        foreach (var (id, subscription, end) in unsent)
        {
            var alerts = new List<AlertRaised>();
            await using var read = Command(connection, """
                SELECT alert_json FROM digest_alerts WHERE digest_id = @digest ORDER BY recorded_at, alert_id
                """, ("digest", id));
            await ReadAlertsAsync(read, alerts, cancellationToken);
            digests.Add(new ScheduledDigest(id, subscription, end, alerts));
        }

        return digests;
    }

    public async Task MarkSentAsync(string digestId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, "UPDATE scheduled_digests SET sent_at = @at WHERE digest_id = @digest", cancellationToken,
            ("digest", digestId), ("at", at.ToUniversalTime()));
    }

    private static async Task ReadAlertsAsync(NpgsqlCommand command, List<AlertRaised> alerts, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(JsonSerializer.Deserialize<AlertRaised>(reader.GetString(0), WireJson.Options)!);
        }
    }
}
