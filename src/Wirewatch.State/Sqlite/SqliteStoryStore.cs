using System.Globalization;
using Microsoft.Data.Sqlite;
using Wirewatch.Cleaning.Stories;

namespace Wirewatch.State.Sqlite;

/// <summary>
/// Story fingerprints in the SQLite file under the data directory (the fetcher's <c>wirewatch.db</c>). Candidates for a
/// new article come from an in-memory <see cref="ShingleIndex"/> over the stored records, built from the file at the
/// first query and kept current by reading the rows added since (by this process or another sharing the file), and
/// rebuilt after each prune; so matching costs what the shared shingles cost, not one comparison per stored story.
/// An index on disk was tried first: every insert touched one random index page per shingle (2 MB of WAL per article).
/// </summary>
public sealed class SqliteStoryStore : IStoryStore
{
    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim _decisions = new(1, 1);
    private readonly Lock _indexGate = new();
    private readonly ShingleIndex _index = new();
    private readonly Dictionary<long, int> _shingleCounts = [];
    private long _indexedUpTo = -1; // the highest row number in the index; -1: not built

    public SqliteStoryStore(SqliteDatabase database)
    {
        _database = database;
    }

    /// <summary>A store on its own database file (tests, benchmarks).</summary>
    public SqliteStoryStore(string databasePath)
        : this(new SqliteDatabase(databasePath))
    {
    }

    /// <summary>One process per SQLite file decides stories: a lock in this process is enough.</summary>
    public async Task<IAsyncDisposable> LockDecisionsAsync(CancellationToken cancellationToken)
    {
        await _decisions.WaitAsync(cancellationToken);
        return new InMemoryStoryStore.DecisionLock(_decisions);
    }

    private const string Columns = "article_id, version, story_id, headline, shingles, seen_at, updates_article_id, updates_version";

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

        List<long> rows;
        lock (_indexGate)
        {
            CatchUp();
            rows = _index.Candidates(fingerprint.Shingles, minContainment, row => _shingleCounts.GetValueOrDefault(row));
        }

        if (rows.Count == 0)
        {
            return [];
        }

        // The index may hold rows older than the retention (until the next prune) or gone (pruned by another process).
        return await QueryAsync($"""
            SELECT {Columns} FROM story_shingles
            WHERE rowid IN (SELECT value FROM json_each($rows)) AND seen_at >= $since AND article_id <> $id
            ORDER BY seen_at, rowid
            """, cancellationToken, ("$rows", "[" + string.Join(',', rows) + "]"), ("$since", since.ToUnixTimeMilliseconds()), ("$id", articleId));
    }

    /// <summary>Adds the rows written since the last look (all of them the first time) to the index.</summary>
    private void CatchUp()
    {
        using var connection = Open();
        using (var highest = connection.CreateCommand())
        {
            // Emptied by another process's prune: row numbers start again at 1, below what the index has seen.
            highest.CommandText = "SELECT COALESCE(MAX(rowid), 0) FROM story_shingles";
            if (Convert.ToInt64(highest.ExecuteScalar(), CultureInfo.InvariantCulture) < _indexedUpTo)
            {
                ClearIndex();
            }
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, shingles FROM story_shingles WHERE rowid > $after ORDER BY rowid";
        command.Parameters.AddWithValue("$after", _indexedUpTo);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = reader.GetInt64(0);
            var shingles = StoryFingerprint.ShinglesFrom((byte[])reader[1]);
            _index.Add(row, shingles);
            _shingleCounts[row] = shingles.Length;
            _indexedUpTo = row;
        }

        _indexedUpTo = Math.Max(_indexedUpTo, 0);
    }

    /// <summary>Forgets the index; the next query rebuilds it from the rows kept.</summary>
    private void ResetIndex()
    {
        lock (_indexGate)
        {
            ClearIndex();
        }
    }

    private void ClearIndex()
    {
        _index.Clear();
        _shingleCounts.Clear();
        _indexedUpTo = -1;
    }

    public async Task<StoryRecord?> LatestInStoryAsync(string storyId, DateTimeOffset since, CancellationToken cancellationToken) =>
        (await QueryAsync($"""
            SELECT {Columns} FROM story_shingles WHERE story_id = $story AND seen_at >= $since
            ORDER BY seen_at DESC, version DESC, rowid LIMIT 1
            """, cancellationToken, ("$story", storyId), ("$since", since.ToUnixTimeMilliseconds()))).FirstOrDefault();

    public async Task AddAsync(StoryRecord record, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO story_shingles ({Columns})
            VALUES ($id, $version, $story, $headline, $shingles, $seen, $updatesId, $updatesVersion)
            ON CONFLICT (article_id, version) DO NOTHING
            """;
        command.Parameters.AddWithValue("$id", record.ArticleId);
        command.Parameters.AddWithValue("$version", record.Version);
        command.Parameters.AddWithValue("$story", record.StoryId);
        command.Parameters.AddWithValue("$headline", record.Headline);
        command.Parameters.AddWithValue("$shingles", record.Fingerprint.ShingleBytes());
        command.Parameters.AddWithValue("$seen", record.SeenAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$updatesId", (object?)record.UpdatesArticleId ?? DBNull.Value);
        command.Parameters.AddWithValue("$updatesVersion", (object?)record.UpdatesVersion ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM story_shingles WHERE seen_at < $before";
        command.Parameters.AddWithValue("$before", olderThan.ToUnixTimeMilliseconds());
        var pruned = await command.ExecuteNonQueryAsync(cancellationToken);
        if (pruned > 0)
        {
            ResetIndex();
        }

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

    // Fingerprints can be rebuilt (a lost one starts a story of its own); one fsync per article was the cost.
    private SqliteConnection Open() => _database.Open(relaxedSync: true);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SqliteStoryStore({_database.Path})");
}
