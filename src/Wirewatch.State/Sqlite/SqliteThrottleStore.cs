using System.Text.Json;
using Microsoft.Data.Sqlite;
using Wirewatch.Alerting;
using Wirewatch.Contracts;
using static Wirewatch.State.Sqlite.SqliteDatabase;

namespace Wirewatch.State.Sqlite;

/// <summary>Throttle windows and held digests in the SQLite file; each update is one immediate (write-locking) transaction, shared with the writes that arrive with it (<see cref="SqliteDatabase.WriteAsync{T}"/>).</summary>
public sealed class SqliteThrottleStore(SqliteDatabase database) : IThrottleStore
{
    public Task<(ThrottleChange Change, IReadOnlyList<AlertRaised> Taken)> UpdateAsync(
        string subscriptionId, DateTimeOffset windowStart, Func<ThrottleWindow, ThrottleChange> decide, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction, ct) => UpdateAsync(connection, transaction, subscriptionId, windowStart, decide, ct), cancellationToken);

    private static async Task<(ThrottleChange Change, IReadOnlyList<AlertRaised> Taken)> UpdateAsync(SqliteConnection connection, SqliteTransaction transaction,
        string subscriptionId, DateTimeOffset windowStart, Func<ThrottleWindow, ThrottleChange> decide, CancellationToken cancellationToken)
    {
        await ExecuteSqlAsync(connection, transaction, "DELETE FROM throttle_sent WHERE subscription_id = $sub AND sent_at < $start", cancellationToken,
            ("$sub", subscriptionId), ("$start", windowStart.ToUnixTimeMilliseconds()));
        var sent = new List<DateTimeOffset>();
        await using (var read = Command(connection, transaction, "SELECT sent_at FROM throttle_sent WHERE subscription_id = $sub ORDER BY sent_at", ("$sub", subscriptionId)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                sent.Add(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)));
            }
        }

        var held = new List<AlertRaised>();
        await using (var read = Command(connection, transaction, "SELECT alert_json FROM throttle_held WHERE subscription_id = $sub ORDER BY id", ("$sub", subscriptionId)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                held.Add(JsonSerializer.Deserialize<AlertRaised>(reader.GetString(0), WireJson.Options)!);
            }
        }

        var change = decide(new ThrottleWindow(sent, held));
        if (change.Hold is { } hold)
        {
            await ExecuteSqlAsync(connection, transaction, """
                INSERT INTO throttle_held (subscription_id, alert_id, alert_json) VALUES ($sub, $id, $json) ON CONFLICT DO NOTHING
                """, cancellationToken, ("$sub", subscriptionId), ("$id", hold.AlertId), ("$json", JsonSerializer.Serialize(hold, WireJson.Options)));
            held.Add(hold);
        }

        IReadOnlyList<AlertRaised> taken = [];
        if (change.TakeHeld)
        {
            await ExecuteSqlAsync(connection, transaction, "DELETE FROM throttle_held WHERE subscription_id = $sub", cancellationToken, ("$sub", subscriptionId));
            taken = held;
        }

        if (change.Send || change.TakeHeld)
        {
            await ExecuteSqlAsync(connection, transaction, "INSERT INTO throttle_sent (subscription_id, sent_at) VALUES ($sub, $at)", cancellationToken,
                ("$sub", subscriptionId), ("$at", change.SentAt.ToUnixTimeMilliseconds()));
        }

        return (change, taken);
    }

    public async Task<int> HeldCountAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = Command(connection, null, "SELECT COUNT(*) FROM throttle_held WHERE subscription_id = $sub", ("$sub", subscriptionId));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
