using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Wirewatch.Alerting;
using Wirewatch.Contracts;
using static Wirewatch.State.Sqlite.SqliteDatabase;

namespace Wirewatch.State.Sqlite;

/// <summary><c>replay_requests</c> (migration 7). Taking runs in an immediate (write-locking) transaction, so two alerters sharing the file never take the same request.</summary>
public sealed class SqliteReplayRequestStore(SqliteDatabase database, TimeProvider time) : IReplayRequestStore
{
    private const string Columns = "id, alert_id, requested_by, requested_at, state, finished_at, results_json";

    public async Task<ReplayRequest> RequestAsync(string alertId, string requestedBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = database.Open();
        await using var command = Command(connection, null, """
            INSERT INTO replay_requests (alert_id, requested_by, requested_at, state) VALUES ($alert, $by, $now, $pending) RETURNING id
            """, ("$alert", alertId), ("$by", requestedBy), ("$now", Format(now)), ("$pending", ReplayRequest.Pending));
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return new ReplayRequest(id, alertId, requestedBy, now, ReplayRequest.Pending, null, []);
    }

    public async Task<IReadOnlyList<ReplayRequest>> TakeAsync(int limit, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken); // BEGIN IMMEDIATE
        List<ReplayRequest> taken;
        await using (var read = Command(connection, transaction, $"""
                         SELECT {Columns} FROM replay_requests
                         WHERE state = $pending OR (state = $taken AND taken_at < $stale) ORDER BY id LIMIT $limit
                         """, ("$pending", ReplayRequest.Pending), ("$taken", ReplayRequest.Taken), ("$stale", Format(staleBefore)), ("$limit", limit)))
        {
            taken = await ReadAsync(read, cancellationToken);
        }

        foreach (var request in taken)
        {
            await ExecuteSqlAsync(connection, transaction, "UPDATE replay_requests SET state = $taken, taken_at = $now WHERE id = $id", cancellationToken,
                ("$taken", ReplayRequest.Taken), ("$now", Format(time.GetUtcNow())), ("$id", request.Id));
        }

        await transaction.CommitAsync(cancellationToken);
        return taken.Select(r => r with { State = ReplayRequest.Taken }).ToList();
    }

    public async Task CompleteAsync(long id, IReadOnlyList<ReplayResult> results, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await ExecuteSqlAsync(connection, null, "UPDATE replay_requests SET state = $done, finished_at = $now, results_json = $results WHERE id = $id", cancellationToken,
            ("$done", ReplayRequest.Done), ("$now", Format(time.GetUtcNow())), ("$results", JsonSerializer.Serialize(results, WireJson.Options)), ("$id", id));
    }

    public async Task<IReadOnlyList<ReplayRequest>> RecentAsync(string? alertId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = Command(connection, null, $"SELECT {Columns} FROM replay_requests WHERE $alert IS NULL OR alert_id = $alert ORDER BY id DESC LIMIT $limit",
            ("$alert", (object?)alertId ?? DBNull.Value), ("$limit", Math.Clamp(limit, 1, 1000)));
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        return await ExecuteSqlAsync(connection, null, "DELETE FROM replay_requests WHERE state = $done AND finished_at < $before", cancellationToken,
            ("$done", ReplayRequest.Done), ("$before", Format(before)));
    }

    private static async Task<List<ReplayRequest>> ReadAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<ReplayRequest>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ReplayRequest(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Parse(reader.GetString(3)), reader.GetString(4),
                reader.IsDBNull(5) ? null : Parse(reader.GetString(5)),
                reader.IsDBNull(6) ? [] : JsonSerializer.Deserialize<List<ReplayResult>>(reader.GetString(6), WireJson.Options) ?? []));
        }

        return list;
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
