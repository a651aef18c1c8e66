using System.Globalization;
using Wirewatch.Fetching;
using static Wirewatch.State.Sqlite.SqliteDatabase;

namespace Wirewatch.State.Sqlite;

/// <summary><c>source_status</c> (migration 5): one row per source, replaced by each fetch cycle.</summary>
public sealed class SqliteSourceStatusStore(SqliteDatabase database) : ISourceStatusStore
{
    public async Task RecordAsync(SourceStatus status, CancellationToken cancellationToken)
    {
        await using var connection = database.Open(relaxedSync: true); // rewritten by the next cycle anyway
        await ExecuteSqlAsync(connection, null, """
            INSERT INTO source_status (source_id, last_fetch_at, outcome, published, failures_in_a_row, broken)
            VALUES ($id, $at, $outcome, $published, $failures, $broken)
            ON CONFLICT (source_id) DO UPDATE SET last_fetch_at = excluded.last_fetch_at, outcome = excluded.outcome,
                published = excluded.published, failures_in_a_row = excluded.failures_in_a_row, broken = excluded.broken
            """, cancellationToken,
            ("$id", status.SourceId), ("$at", status.LastFetchAt.ToString("O", CultureInfo.InvariantCulture)), ("$outcome", status.Outcome),
            ("$published", status.Published), ("$failures", status.FailuresInARow), ("$broken", status.Broken ? 1 : 0));
    }

    public async Task<IReadOnlyList<SourceStatus>> AllAsync(CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = Command(connection, null,
            "SELECT source_id, last_fetch_at, outcome, published, failures_in_a_row, broken FROM source_status ORDER BY source_id");
        var list = new List<SourceStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new SourceStatus(reader.GetString(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetString(2),
                reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5) == 1));
        }

        return list;
    }
}
