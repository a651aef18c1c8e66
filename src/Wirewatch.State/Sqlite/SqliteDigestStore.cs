using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Wirewatch.Alerting.Digests;
using Wirewatch.Contracts;

namespace Wirewatch.State.Sqlite;

/// <summary>
/// <see cref="IDigestStore"/> in the SQLite file under the data directory (the alert ledger's file). Each change runs in
/// an immediate (write-locking) transaction, so two alerters on one file cannot close a period twice.
/// </summary>
public sealed class SqliteDigestStore : IDigestStore
{
    private readonly string _connectionString;

    public SqliteDigestStore(string databasePath)
    {
        var path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS digest_alerts (
                alert_id        TEXT PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                recorded_at     TEXT NOT NULL,
                alert_json      TEXT NOT NULL,
                digest_id       TEXT
            );
            CREATE INDEX IF NOT EXISTS digest_alerts_waiting ON digest_alerts (subscription_id, digest_id, recorded_at);
            CREATE TABLE IF NOT EXISTS digest_periods (
                subscription_id TEXT PRIMARY KEY,
                last_period_end TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS scheduled_digests (
                digest_id       TEXT PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                period_end      TEXT NOT NULL,
                sent_at         TEXT
            );
            """;
        command.ExecuteNonQuery();
    }

    public async Task RecordAsync(AlertRaised alert, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO digest_alerts (alert_id, subscription_id, recorded_at, alert_json) VALUES ($id, $subscription, $at, $json)
            ON CONFLICT (alert_id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$id", alert.AlertId);
        command.Parameters.AddWithValue("$subscription", alert.SubscriptionId);
        command.Parameters.AddWithValue("$at", Stamp(at));
        command.Parameters.AddWithValue("$json", JsonSerializer.Serialize(alert, WireJson.Options));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DateTimeOffset> LastPeriodEndAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO digest_periods (subscription_id, last_period_end) VALUES ($subscription, $now) ON CONFLICT (subscription_id) DO NOTHING;
            SELECT last_period_end FROM digest_periods WHERE subscription_id = $subscription;
            """;
        command.Parameters.AddWithValue("$subscription", subscriptionId);
        command.Parameters.AddWithValue("$now", Stamp(now));
        return Parse((string)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    public async Task<ScheduledDigest?> CloseAsync(string subscriptionId, DateTimeOffset periodEnd, string digestId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE digest_periods SET last_period_end = $end WHERE subscription_id = $subscription AND last_period_end < $end;
                UPDATE digest_alerts SET digest_id = $digest
                    WHERE subscription_id = $subscription AND digest_id IS NULL AND recorded_at <= $end;
                """;
            command.Parameters.AddWithValue("$subscription", subscriptionId);
            command.Parameters.AddWithValue("$end", Stamp(periodEnd));
            command.Parameters.AddWithValue("$digest", digestId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var alerts = await AlertsOfAsync(connection, transaction, digestId, cancellationToken);
        if (alerts.Count > 0)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO scheduled_digests (digest_id, subscription_id, period_end) VALUES ($digest, $subscription, $end)
                ON CONFLICT (digest_id) DO NOTHING
                """;
            insert.Parameters.AddWithValue("$digest", digestId);
            insert.Parameters.AddWithValue("$subscription", subscriptionId);
            insert.Parameters.AddWithValue("$end", Stamp(periodEnd));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return alerts.Count > 0 ? new ScheduledDigest(digestId, subscriptionId, periodEnd, alerts) : null;
    }

    public async Task<IReadOnlyList<ScheduledDigest>> UnsentAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        var unsent = new List<(string Id, string Subscription, string End)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT digest_id, subscription_id, period_end FROM scheduled_digests WHERE sent_at IS NULL ORDER BY period_end";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                unsent.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        var digests = new List<ScheduledDigest>();
        foreach (var (id, subscription, end) in unsent)
        {
            digests.Add(new ScheduledDigest(id, subscription, Parse(end), await AlertsOfAsync(connection, null, id, cancellationToken)));
        }

        return digests;
    }

    public async Task MarkSentAsync(string digestId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE scheduled_digests SET sent_at = $at WHERE digest_id = $digest";
        command.Parameters.AddWithValue("$digest", digestId);
        command.Parameters.AddWithValue("$at", Stamp(at));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<AlertRaised>> AlertsOfAsync(SqliteConnection connection, SqliteTransaction? transaction, string digestId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT alert_json FROM digest_alerts WHERE digest_id = $digest ORDER BY recorded_at, alert_id";
        command.Parameters.AddWithValue("$digest", digestId);
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

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
