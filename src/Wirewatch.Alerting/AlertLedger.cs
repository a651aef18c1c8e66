using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Wirewatch.Alerting;

/// <summary>
/// Every alert ever raised, unique on its id: once an alert is marked delivered, no redelivered message claims it
/// again. A claim never marked delivered (a crash between send and mark) can be claimed again, so an alert is never
/// lost; receivers de-duplicate on the alert id. Within one process the alerter serialises claims per alert id; two
/// replicas sharing one ledger need a row lock held across the send (the planned PostgreSQL ledger).
/// </summary>
public interface IAlertLedger
{
    /// <summary>Records the alert as pending; false when it already exists and was delivered.</summary>
    Task<bool> TryClaimAsync(string alertId, string subscriptionId, string storyId, int version, DateTimeOffset now, CancellationToken cancellationToken);

    Task MarkDeliveredAsync(string alertId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True when an earlier version of the story already raised an alert for the subscription.</summary>
    Task<bool> HasEarlierAlertAsync(string subscriptionId, string storyId, int version, CancellationToken cancellationToken);
}

public sealed class SqliteAlertLedger : IAlertLedger
{
    private readonly string _connectionString;

    public SqliteAlertLedger(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS alerts (
                alert_id        TEXT PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                story_id        TEXT NOT NULL,
                version         INTEGER NOT NULL,
                claimed_at      TEXT NOT NULL,
                delivered_at    TEXT NULL
            );
            CREATE INDEX IF NOT EXISTS alerts_by_story ON alerts (subscription_id, story_id, version);
            """;
        command.ExecuteNonQuery();
    }

    public async Task<bool> TryClaimAsync(string alertId, string subscriptionId, string storyId, int version, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        // A claim that was never marked delivered (a crash between send and mark) may be claimed again:
        // at-least-once towards the channel, with the alert id for receivers to de-duplicate on.
        command.CommandText = """
            INSERT INTO alerts (alert_id, subscription_id, story_id, version, claimed_at) VALUES ($id, $sub, $story, $version, $now)
            ON CONFLICT (alert_id) DO UPDATE SET claimed_at = excluded.claimed_at WHERE alerts.delivered_at IS NULL
            """;
        command.Parameters.AddWithValue("$id", alertId);
        command.Parameters.AddWithValue("$sub", subscriptionId);
        command.Parameters.AddWithValue("$story", storyId);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$now", now.ToString("O", CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task MarkDeliveredAsync(string alertId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE alerts SET delivered_at = $now WHERE alert_id = $id";
        command.Parameters.AddWithValue("$id", alertId);
        command.Parameters.AddWithValue("$now", now.ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> HasEarlierAlertAsync(string subscriptionId, string storyId, int version, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM alerts WHERE subscription_id = $sub AND story_id = $story AND version < $version)";
        command.Parameters.AddWithValue("$sub", subscriptionId);
        command.Parameters.AddWithValue("$story", storyId);
        command.Parameters.AddWithValue("$version", version);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
