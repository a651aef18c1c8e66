using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Wirewatch.Fetching;

/// <summary>The last fetch cycle of each source, for the console's sources page (the fetcher writes it, the console reads it).</summary>
public interface ISourceStatusStore
{
    Task RecordAsync(SourceStatus status, CancellationToken cancellationToken);

    Task<IReadOnlyList<SourceStatus>> AllAsync(CancellationToken cancellationToken);
}

/// <param name="Outcome"><c>ok</c> or the failure reason of the cycle (<c>timeout</c>, <c>http-503</c>, ...).</param>
/// <param name="FailuresInARow">Failed cycles in a row; the source is broken at <see cref="FetcherOptions.BrokenAfter"/>.</param>
public sealed record SourceStatus(string SourceId, DateTimeOffset LastFetchAt, string Outcome, int Published, int FailuresInARow, bool Broken);

/// <summary><c>source_status</c> in the fetcher's SQLite file: one row per source, replaced by each cycle.</summary>
public sealed class SqliteSourceStatusStore : ISourceStatusStore
{
    private readonly string _connectionString;

    public SqliteSourceStatusStore(string databasePath)
    {
        var path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS source_status (
                source_id         TEXT PRIMARY KEY,
                last_fetch_at     TEXT NOT NULL,
                outcome           TEXT NOT NULL,
                published         INTEGER NOT NULL,
                failures_in_a_row INTEGER NOT NULL,
                broken            INTEGER NOT NULL
            );
            """;
        command.ExecuteNonQuery();
    }

    public async Task RecordAsync(SourceStatus status, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO source_status (source_id, last_fetch_at, outcome, published, failures_in_a_row, broken)
            VALUES ($id, $at, $outcome, $published, $failures, $broken)
            ON CONFLICT (source_id) DO UPDATE SET last_fetch_at = excluded.last_fetch_at, outcome = excluded.outcome,
                published = excluded.published, failures_in_a_row = excluded.failures_in_a_row, broken = excluded.broken
            """;
        command.Parameters.AddWithValue("$id", status.SourceId);
        command.Parameters.AddWithValue("$at", status.LastFetchAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$outcome", status.Outcome);
        command.Parameters.AddWithValue("$published", status.Published);
        command.Parameters.AddWithValue("$failures", status.FailuresInARow);
        command.Parameters.AddWithValue("$broken", status.Broken ? 1 : 0);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SourceStatus>> AllAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT source_id, last_fetch_at, outcome, published, failures_in_a_row, broken FROM source_status ORDER BY source_id";
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
