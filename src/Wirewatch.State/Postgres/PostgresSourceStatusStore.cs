using Wirewatch.Fetching;
using static Wirewatch.State.Postgres.PostgresDatabase;

namespace Wirewatch.State.Postgres;

/// <summary><c>source_status</c> (PostgreSQL migration 4): one row per source, replaced by each fetch cycle of whichever fetcher ran it.</summary>
public sealed class PostgresSourceStatusStore(PostgresDatabase database) : ISourceStatusStore
{
    public async Task RecordAsync(SourceStatus status, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, """
            INSERT INTO source_status (source_id, last_fetch_at, outcome, published, failures_in_a_row, broken)
            VALUES (@id, @at, @outcome, @published, @failures, @broken)
            ON CONFLICT (source_id) DO UPDATE SET last_fetch_at = excluded.last_fetch_at, outcome = excluded.outcome,
                published = excluded.published, failures_in_a_row = excluded.failures_in_a_row, broken = excluded.broken
            """, cancellationToken,
            ("id", status.SourceId), ("at", status.LastFetchAt.ToUniversalTime()), ("outcome", status.Outcome),
            ("published", status.Published), ("failures", status.FailuresInARow), ("broken", status.Broken));
    }

    public async Task<IReadOnlyList<SourceStatus>> AllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT source_id, last_fetch_at, outcome, published, failures_in_a_row, broken FROM source_status ORDER BY source_id");
        var list = new List<SourceStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new SourceStatus(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.GetInt32(3), reader.GetInt32(4), reader.GetBoolean(5)));
        }

        return list;
    }
}
