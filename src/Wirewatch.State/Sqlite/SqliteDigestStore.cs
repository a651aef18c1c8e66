using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Wirewatch.Alerting.Digests;
using Wirewatch.Contracts;
using static Wirewatch.State.Sqlite.SqliteDatabase;

namespace Wirewatch.State.Sqlite;

/// <summary>
/// <see cref="IDigestStore"/> in the SQLite file (tables of migration 3). A period is closed in an immediate
/// (write-locking) transaction that moves its end forward only if it is still behind, so two alerters on one file
/// cannot close a period twice: the second finds it closed and gets null. A closed digest is claimed by its closer (this
/// store's instance); another takes an unsent one over once the claim is older than <paramref name="claimLease"/>.
/// </summary>
public sealed class SqliteDigestStore(SqliteDatabase database, TimeProvider time, TimeSpan claimLease) : IDigestStore
{
    private readonly string _instanceId = Guid.NewGuid().ToString("N");

    public async Task RecordAsync(AlertRaised alert, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await ExecuteSqlAsync(connection, null, """
            INSERT INTO digest_alerts (alert_id, subscription_id, recorded_at, alert_json) VALUES ($id, $sub, $at, $json)
            ON CONFLICT (alert_id) DO NOTHING
            """, cancellationToken, ("$id", alert.AlertId), ("$sub", alert.SubscriptionId), ("$at", Stamp(at)), ("$json", JsonSerializer.Serialize(alert, WireJson.Options)));
    }

    public async Task<DateTimeOffset> LastPeriodEndAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await ExecuteSqlAsync(connection, null, "INSERT INTO digest_periods (subscription_id, last_period_end) VALUES ($sub, $now) ON CONFLICT (subscription_id) DO NOTHING",
            cancellationToken, ("$sub", subscriptionId), ("$now", Stamp(now)));
        await using var read = Command(connection, null, "SELECT last_period_end FROM digest_periods WHERE subscription_id = $sub", ("$sub", subscriptionId));
        return Parse((string)(await read.ExecuteScalarAsync(cancellationToken))!);
    }

    public async Task<ScheduledDigest?> CloseAsync(string subscriptionId, DateTimeOffset periodEnd, string digestId, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one closer at a time
        var moved = await ExecuteSqlAsync(connection, transaction, """
            INSERT INTO digest_periods (subscription_id, last_period_end) VALUES ($sub, $end)
            ON CONFLICT (subscription_id) DO UPDATE SET last_period_end = excluded.last_period_end
                WHERE digest_periods.last_period_end < excluded.last_period_end
            """, cancellationToken, ("$sub", subscriptionId), ("$end", Stamp(periodEnd)));
        if (moved == 0)
        {
            return null; // closed already (another alerter, or an earlier run); rolled back on dispose
        }

        await ExecuteSqlAsync(connection, transaction, """
            UPDATE digest_alerts SET digest_id = $digest WHERE subscription_id = $sub AND digest_id IS NULL AND recorded_at <= $end
            """, cancellationToken, ("$sub", subscriptionId), ("$end", Stamp(periodEnd)), ("$digest", digestId));
        var alerts = await AlertsOfAsync(connection, transaction, subscriptionId, digestId, cancellationToken);
        if (alerts.Count > 0)
        {
            await ExecuteSqlAsync(connection, transaction, """
                INSERT INTO scheduled_digests (digest_id, subscription_id, period_end, holder, claimed_at) VALUES ($digest, $sub, $end, $me, $now)
                ON CONFLICT (digest_id) DO NOTHING
                """, cancellationToken, ("$digest", digestId), ("$sub", subscriptionId), ("$end", Stamp(periodEnd)), ("$me", _instanceId), ("$now", Stamp(time.GetUtcNow())));
        }

        await transaction.CommitAsync(cancellationToken);
        return alerts.Count > 0 ? new ScheduledDigest(digestId, subscriptionId, periodEnd, alerts) : null;
    }

    public async Task<IReadOnlyList<ScheduledDigest>> ClaimUnsentAsync(CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        var now = time.GetUtcNow();
        var unsent = new List<(string Id, string Subscription, string End)>();
        // One statement, under SQLite's write lock: two alerters on the file claim one after the other.
        await using (var command = Command(connection, null, """
                         UPDATE scheduled_digests SET holder = $me, claimed_at = $now
                         WHERE sent_at IS NULL AND (holder IS NULL OR holder = $me OR claimed_at <= $leaseCutoff)
                         RETURNING digest_id, subscription_id, period_end
                         """, ("$me", _instanceId), ("$now", Stamp(now)), ("$leaseCutoff", Stamp(now - claimLease))))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                unsent.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        unsent.Sort((a, b) => string.CompareOrdinal(a.End + "\n" + a.Id, b.End + "\n" + b.Id)); // RETURNING keeps no ORDER BY

        var digests = new List<ScheduledDigest>();
        foreach (var (id, subscription, end) in unsent)
        {
            digests.Add(new ScheduledDigest(id, subscription, Parse(end), await AlertsOfAsync(connection, null, subscription, id, cancellationToken)));
        }

        return digests;
    }

    public async Task MarkSentAsync(string digestId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await ExecuteSqlAsync(connection, null, "UPDATE scheduled_digests SET sent_at = $at WHERE digest_id = $digest", cancellationToken,
            ("$digest", digestId), ("$at", Stamp(at)));
    }

    private static async Task<List<AlertRaised>> AlertsOfAsync(SqliteConnection connection, SqliteTransaction? transaction, string subscriptionId, string digestId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            SELECT alert_json FROM digest_alerts WHERE subscription_id = $sub AND digest_id = $digest ORDER BY recorded_at, alert_id
            """, ("$sub", subscriptionId), ("$digest", digestId));
        var alerts = new List<AlertRaised>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(JsonSerializer.Deserialize<AlertRaised>(reader.GetString(0), WireJson.Options)!);
        }

        return alerts;
    }

    // Sortable UTC text, so comparisons in SQL are comparisons of instants.
    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string stamp) => DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

}
