using System.Text.Json;
using Npgsql;
using Wirewatch.Alerting;
using Wirewatch.Contracts;
using static Wirewatch.State.Postgres.PostgresDatabase;

namespace Wirewatch.State.Postgres;

/// <summary><c>replay_requests</c> (PostgreSQL migration 7). Taking locks the rows it takes and skips those another alerter has locked, so no two take the same request.</summary>
public sealed class PostgresReplayRequestStore(PostgresDatabase database, TimeProvider time) : IReplayRequestStore
{
    private const string Columns = "id, alert_id, requested_by, requested_at, state, finished_at, results_json";

    public async Task<ReplayRequest> RequestAsync(string alertId, string requestedBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO replay_requests (alert_id, requested_by, requested_at, state) VALUES (@alert, @by, @now, @pending) RETURNING id",
            ("alert", alertId), ("by", requestedBy), ("now", now), ("pending", ReplayRequest.Pending));
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new ReplayRequest(id, alertId, requestedBy, now, ReplayRequest.Pending, null, []);
    }

    public async Task<IReadOnlyList<ReplayRequest>> TakeAsync(int limit, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            UPDATE replay_requests SET state = @taken, taken_at = @now
            WHERE id IN (
                SELECT id FROM replay_requests
                WHERE state = @pending OR (state = @taken AND taken_at < @stale)
                ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """, ("taken", ReplayRequest.Taken), ("now", time.GetUtcNow().ToUniversalTime()), ("pending", ReplayRequest.Pending),
            ("stale", staleBefore.ToUniversalTime()), ("limit", limit));
        return (await ReadAsync(command, cancellationToken)).OrderBy(r => r.Id).ToList();
    }

    public async Task CompleteAsync(long id, IReadOnlyList<ReplayResult> results, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, "UPDATE replay_requests SET state = @done, finished_at = @now, results_json = @results WHERE id = @id", cancellationToken,
            ("done", ReplayRequest.Done), ("now", time.GetUtcNow().ToUniversalTime()), ("results", JsonSerializer.Serialize(results, WireJson.Options)), ("id", id));
    }

    public async Task<IReadOnlyList<ReplayRequest>> RecentAsync(string? alertId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {Columns} FROM replay_requests WHERE @alert::text IS NULL OR alert_id = @alert ORDER BY id DESC LIMIT @limit",
            ("alert", (object?)alertId ?? DBNull.Value), ("limit", Math.Clamp(limit, 1, 1000)));
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ExecuteSqlAsync(connection, "DELETE FROM replay_requests WHERE state = @done AND finished_at < @before", cancellationToken,
            ("done", ReplayRequest.Done), ("before", before.ToUniversalTime()));
    }

    private static async Task<List<ReplayRequest>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<ReplayRequest>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ReplayRequest(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? [] : JsonSerializer.Deserialize<List<ReplayResult>>(reader.GetString(6), WireJson.Options) ?? []));
        }

        return list;
    }
}
