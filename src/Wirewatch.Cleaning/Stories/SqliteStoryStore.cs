using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Wirewatch.Cleaning.Stories;

/// <summary>
/// Story fingerprints in the SQLite file under the data directory (the fetcher's <c>wirewatch.db</c>), with an inverted
/// index from each shingle to the records holding it (<c>story_shingle_index</c>): candidates for a new article are the
/// records its shingles point to, counted in one query, so matching costs what the shared shingles cost, not one
/// comparison per stored story. Records and their index rows go together on prune.
/// </summary>
public sealed class SqliteStoryStore : IStoryStore
{
    private readonly string _connectionString;

    public SqliteStoryStore(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, DefaultTimeout = 30, Pooling = true }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS story_shingles (
                article_id         TEXT NOT NULL,
                version            INTEGER NOT NULL,
                story_id           TEXT NOT NULL,
                headline           TEXT NOT NULL,
                shingles           BLOB NOT NULL, -- sorted 32-bit hashes of the body's word 3-shingles
                seen_at            INTEGER NOT NULL, -- Unix milliseconds, UTC
                updates_article_id TEXT NULL,
                updates_version    INTEGER NULL,
                PRIMARY KEY (article_id, version)
            );
            CREATE INDEX IF NOT EXISTS story_shingles_seen_at ON story_shingles (seen_at);
            CREATE INDEX IF NOT EXISTS story_shingles_story ON story_shingles (story_id);
            CREATE TABLE IF NOT EXISTS story_shingle_index (
                shingle INTEGER NOT NULL, -- one 32-bit shingle hash
                record  INTEGER NOT NULL, -- rowid of the story_shingles row holding it (never VACUUM: it may renumber rowids)
                PRIMARY KEY (shingle, record)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS story_shingle_index_record ON story_shingle_index (record);
            """;
        command.ExecuteNonQuery();
        IndexUnindexedRecords(connection);
    }

    /// <summary>Indexes records written before the index existed (a database from an earlier version).</summary>
    private static void IndexUnindexedRecords(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT rowid, shingles FROM story_shingles WHERE rowid NOT IN (SELECT record FROM story_shingle_index)";
        var pending = new List<(long Row, uint[] Shingles)>();
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                pending.Add((reader.GetInt64(0), StoryFingerprint.ShinglesFrom((byte[])reader[1])));
            }
        }

        if (pending.Count == 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        foreach (var (row, shingles) in pending)
        {
            InsertIndexRows(connection, transaction, row, shingles);
        }

        transaction.Commit();
    }

    private static void InsertIndexRows(SqliteConnection connection, SqliteTransaction transaction, long row, uint[] shingles)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO story_shingle_index (shingle, record) VALUES ($shingle, $record)";
        var shingle = insert.Parameters.Add("$shingle", SqliteType.Integer);
        insert.Parameters.AddWithValue("$record", row);
        insert.Prepare();
        foreach (var value in shingles)
        {
            shingle.Value = (long)value;
            insert.ExecuteNonQuery();
        }
    }

    private const string Columns = "article_id, version, story_id, headline, shingles, seen_at, updates_article_id, updates_version";

    private const string PrefixedColumns =
        "s.article_id, s.version, s.story_id, s.headline, s.shingles, s.seen_at, s.updates_article_id, s.updates_version";

    public async Task<StoryRecord?> GetAsync(string articleId, int version, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM story_shingles WHERE article_id = $id AND version = $version",
            cancellationToken, ("$id", articleId), ("$version", version))).FirstOrDefault();

    public async Task<StoryRecord?> PreviousVersionAsync(string articleId, int version, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM story_shingles WHERE article_id = $id AND version < $version ORDER BY version DESC LIMIT 1",
            cancellationToken, ("$id", articleId), ("$version", version))).FirstOrDefault();

    public async Task<IReadOnlyList<StoryRecord>> RecentAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {Columns} FROM story_shingles WHERE seen_at >= $since", cancellationToken,
            ("$since", since.ToUnixTimeMilliseconds()));

    public async Task<IReadOnlyList<StoryRecord>> CandidatesAsync(
        StoryFingerprint fingerprint, string articleId, double minContainment, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (fingerprint.Shingles.Length == 0)
        {
            return [];
        }

        var shingles = new StringBuilder("[");
        foreach (var value in fingerprint.Shingles)
        {
            shingles.Append(value).Append(',');
        }

        shingles[^1] = ']';
        // A hair under the threshold: the caller compares exactly, this only must not drop a record at the boundary.
        return await QueryAsync($"""
            WITH hits AS (
                SELECT record, COUNT(*) AS common FROM story_shingle_index
                WHERE shingle IN (SELECT value FROM json_each($shingles))
                GROUP BY record)
            SELECT {PrefixedColumns} FROM hits JOIN story_shingles s ON s.rowid = hits.record
            WHERE s.seen_at >= $since AND s.article_id <> $id
              AND hits.common >= ($min - 1e-9) * MIN($count, length(s.shingles) / 4)
            ORDER BY s.seen_at, s.rowid
            """, cancellationToken, ("$shingles", shingles.ToString()), ("$since", since.ToUnixTimeMilliseconds()), ("$id", articleId),
            ("$min", minContainment), ("$count", fingerprint.Shingles.Length));
    }

    public async Task<StoryRecord?> LatestInStoryAsync(string storyId, DateTimeOffset since, CancellationToken cancellationToken) =>
        (await QueryAsync($"""
            SELECT {Columns} FROM story_shingles WHERE story_id = $story AND seen_at >= $since
            ORDER BY seen_at DESC, version DESC, rowid LIMIT 1
            """, cancellationToken, ("$story", storyId), ("$since", since.ToUnixTimeMilliseconds()))).FirstOrDefault();

    public async Task AddAsync(StoryRecord record, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO story_shingles ({Columns})
            VALUES ($id, $version, $story, $headline, $shingles, $seen, $updatesId, $updatesVersion)
            ON CONFLICT (article_id, version) DO NOTHING
            RETURNING rowid
            """;
        command.Parameters.AddWithValue("$id", record.ArticleId);
        command.Parameters.AddWithValue("$version", record.Version);
        command.Parameters.AddWithValue("$story", record.StoryId);
        command.Parameters.AddWithValue("$headline", record.Headline);
        command.Parameters.AddWithValue("$shingles", record.Fingerprint.ShingleBytes());
        command.Parameters.AddWithValue("$seen", record.SeenAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$updatesId", (object?)record.UpdatesArticleId ?? DBNull.Value);
        command.Parameters.AddWithValue("$updatesVersion", (object?)record.UpdatesVersion ?? DBNull.Value);
        if (await command.ExecuteScalarAsync(cancellationToken) is long row)
        {
            InsertIndexRows(connection, transaction, row, record.Fingerprint.Shingles);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        await using var index = connection.CreateCommand();
        index.Transaction = transaction;
        index.CommandText = "DELETE FROM story_shingle_index WHERE record IN (SELECT rowid FROM story_shingles WHERE seen_at < $before)";
        index.Parameters.AddWithValue("$before", olderThan.ToUnixTimeMilliseconds());
        await index.ExecuteNonQueryAsync(cancellationToken);
        await using var records = connection.CreateCommand();
        records.Transaction = transaction;
        records.CommandText = "DELETE FROM story_shingles WHERE seen_at < $before";
        records.Parameters.AddWithValue("$before", olderThan.ToUnixTimeMilliseconds());
        var pruned = await records.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return pruned;
    }

    private async Task<List<StoryRecord>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var records = new List<StoryRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var headline = reader.GetString(3);
            var fingerprint = StoryFingerprint.Of(headline, []) with { Shingles = StoryFingerprint.ShinglesFrom((byte[])reader[4]) };
            records.Add(new StoryRecord(
                reader.GetString(0), reader.GetInt32(1), reader.GetString(2), headline, fingerprint,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7)));
        }

        return records;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // WAL with NORMAL syncs at checkpoints, not at every commit: a power cut may forget the last few fingerprints
        // (those articles then start stories of their own), never corrupts the file; one fsync per article was the cost.
        pragma.CommandText = "PRAGMA synchronous = NORMAL";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SqliteStoryStore({_connectionString})");
}
