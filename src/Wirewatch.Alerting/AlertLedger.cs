using System.Globalization;
using Microsoft.Data.Sqlite;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// Every alert ever delivered, unique on its id. The ledger owns "at most once to completion": an alert id that is
/// recorded is never delivered again, however often its classification is redelivered.
/// </summary>
public interface IAlertLedger
{
    /// <summary>
    /// Runs <paramref name="deliver"/> unless the alert was already delivered, then records it; false when it was.
    /// <paramref name="deliver"/> learns whether an earlier version of the story was alerted (an update). If it throws,
    /// nothing is recorded and the next attempt delivers again: an alert is never lost, and a crash between delivering
    /// and recording can repeat it, with the same alert id for receivers to de-duplicate on.
    /// </summary>
    Task<bool> DeliverOnceAsync(AlertRaised alert, Func<bool, CancellationToken, Task> deliver, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// The ledger in the SQLite file under the data directory. Deliveries of one alert id are serialised across every
/// ledger on the same file in this process, so concurrent copies of a message deliver once. Replicas in other
/// processes need a lock held across the delivery (a row lock in the planned PostgreSQL ledger).
/// </summary>
public sealed class SqliteAlertLedger : IAlertLedger
{
    private static readonly SemaphoreSlim[] Gates = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private readonly string _connectionString;
    private readonly string _path;

    public SqliteAlertLedger(string databasePath)
    {
        _path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = _path, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS alerts (
                alert_id        TEXT PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                story_id        TEXT NOT NULL,
                version         INTEGER NOT NULL,
                delivered_at    TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS alerts_by_story ON alerts (subscription_id, story_id, version);
            """;
        command.ExecuteNonQuery();
    }

    public async Task<bool> DeliverOnceAsync(AlertRaised alert, Func<bool, CancellationToken, Task> deliver, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var storyId = alert.StoryId ?? alert.ArticleId;
        var gate = Gates[(StringComparer.Ordinal.GetHashCode(_path + "\n" + alert.AlertId) & int.MaxValue) % Gates.Length];
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = Open();
            if (await ScalarAsync(connection, "SELECT EXISTS (SELECT 1 FROM alerts WHERE alert_id = $id)", cancellationToken, ("$id", alert.AlertId)))
            {
                return false;
            }

            var isUpdate = await ScalarAsync(
                connection,
                "SELECT EXISTS (SELECT 1 FROM alerts WHERE subscription_id = $sub AND story_id = $story AND version < $version)",
                cancellationToken,
                ("$sub", alert.SubscriptionId), ("$story", storyId), ("$version", alert.Version));
            await deliver(isUpdate, cancellationToken);

            await using var record = connection.CreateCommand();
            record.CommandText = """
                INSERT INTO alerts (alert_id, subscription_id, story_id, version, delivered_at) VALUES ($id, $sub, $story, $version, $now)
                ON CONFLICT (alert_id) DO NOTHING
                """;
            record.Parameters.AddWithValue("$id", alert.AlertId);
            record.Parameters.AddWithValue("$sub", alert.SubscriptionId);
            record.Parameters.AddWithValue("$story", storyId);
            record.Parameters.AddWithValue("$version", alert.Version);
            record.Parameters.AddWithValue("$now", now.ToString("O", CultureInfo.InvariantCulture));
            await record.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<bool> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
