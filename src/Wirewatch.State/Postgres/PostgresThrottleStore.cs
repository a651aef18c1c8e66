using System.Text.Json;
using Wirewatch.Alerting;
using Wirewatch.Contracts;
using static Wirewatch.State.Postgres.PostgresDatabase;

namespace Wirewatch.State.Postgres;

/// <summary>
/// Throttle windows and held digests in PostgreSQL, shared by every alerter replica: each update is one transaction
/// under an advisory lock per subscription, so two replicas never both take the last slot of an hour or one digest twice.
/// </summary>
public sealed class PostgresThrottleStore(PostgresDatabase database) : IThrottleStore
{
    public async Task<(ThrottleChange Change, IReadOnlyList<AlertRaised> Taken)> UpdateAsync(
        string subscriptionId, DateTimeOffset windowStart, Func<ThrottleWindow, ThrottleChange> decide, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteSqlAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", cancellationToken, ("key", $"throttle\n{subscriptionId}"));
        await ExecuteSqlAsync(connection, "DELETE FROM throttle_sent WHERE subscription_id = @sub AND sent_at < @start", cancellationToken,
            ("sub", subscriptionId), ("start", windowStart.ToUniversalTime()));
        var sent = new List<DateTimeOffset>();
        await using (var read = Command(connection, "SELECT sent_at FROM throttle_sent WHERE subscription_id = @sub ORDER BY sent_at", ("sub", subscriptionId)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                sent.Add(reader.GetFieldValue<DateTimeOffset>(0));
            }
        }

        var held = new List<AlertRaised>();
        await using (var read = Command(connection, "SELECT alert_json FROM throttle_held WHERE subscription_id = @sub ORDER BY id", ("sub", subscriptionId)))
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
            await ExecuteSqlAsync(connection, """
                INSERT INTO throttle_held (subscription_id, alert_id, alert_json) VALUES (@sub, @id, @json) ON CONFLICT DO NOTHING
                """, cancellationToken, ("sub", subscriptionId), ("id", hold.AlertId), ("json", JsonSerializer.Serialize(hold, WireJson.Options)));
            held.Add(hold);
        }

        IReadOnlyList<AlertRaised> taken = [];
        if (change.TakeHeld)
        {
            await ExecuteSqlAsync(connection, "DELETE FROM throttle_held WHERE subscription_id = @sub", cancellationToken, ("sub", subscriptionId));
            taken = held;
        }

        if (change.Send || change.TakeHeld)
        {
            await ExecuteSqlAsync(connection, "INSERT INTO throttle_sent (subscription_id, sent_at) VALUES (@sub, @at)", cancellationToken,
                ("sub", subscriptionId), ("at", change.SentAt.ToUniversalTime()));
        }

        await transaction.CommitAsync(cancellationToken);
        return (change, taken);
    }

    public async Task<int> HeldCountAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT count(*) FROM throttle_held WHERE subscription_id = @sub", ("sub", subscriptionId));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
