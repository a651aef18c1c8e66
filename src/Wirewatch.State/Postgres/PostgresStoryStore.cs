using Npgsql;
using Wirewatch.Cleaning.Stories;
using static Wirewatch.State.Postgres.PostgresDatabase;

namespace Wirewatch.State.Postgres;

/// <summary>
/// Story fingerprints in PostgreSQL, shared by every cleaner replica, so versions and reprints get one story id
/// whichever replica handles them. Decisions are serialised across replicas by a session advisory lock
/// (<see cref="LockDecisionsAsync"/>): the lock's holder reads the candidates and records its decision before the next
/// replica looks, so two replicas racing on a story's first version create one story; a replica that dies holding
/// the lock loses its session, and with it the lock. Each replica keeps an in-memory <see cref="ShingleIndex"/> and,
/// before each match, adds the rows with a higher <c>id</c> than it has seen (rows are only inserted under the lock,
/// so ids become visible in order).
/// </summary>
public sealed class PostgresStoryStore(PostgresDatabase database) : IStoryStore
{
    private const string Columns = "article_id, version, story_id, headline, shingles, seen_at, updates_article_id, updates_version";

    private readonly SemaphoreSlim _decisions = new(1, 1); // one waiting session per process, not one per message
    private readonly SemaphoreSlim _indexGate = new(1, 1);
    private readonly ShingleIndex _index = new();
    private readonly Dictionary<long, int> _shingleCounts = [];
    private long _indexedUpTo;

    public async Task<IAsyncDisposable> LockDecisionsAsync(CancellationToken cancellationToken)
    {
        await _decisions.WaitAsync(cancellationToken);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await database.OpenAsync(cancellationToken);
            await ExecuteSqlAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", StoryDecisionLock));
            return new DecisionLock(connection, _decisions);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            _decisions.Release();
            throw;
        }
    }

    private sealed class DecisionLock(NpgsqlConnection connection, SemaphoreSlim gate) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await ExecuteSqlAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", StoryDecisionLock));
            }
            catch (NpgsqlException)
            {
                // The session is gone, and the server released its lock with it.
            }
            finally
            {
                await connection.DisposeAsync();
                gate.Release();
            }
        }
    }

    public async Task<StoryRecord?> GetAsync(string articleId, int version, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM story_shingles WHERE article_id = @id AND version = @version",
            cancellationToken, ("id", articleId), ("version", version))).FirstOrDefault();

    public async Task<StoryRecord?> PreviousVersionAsync(string articleId, int version, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM story_shingles WHERE article_id = @id AND version < @version ORDER BY version DESC LIMIT 1",
            cancellationToken, ("id", articleId), ("version", version))).FirstOrDefault();

    public async Task<IReadOnlyList<StoryRecord>> RecentAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {Columns} FROM story_shingles WHERE seen_at >= @since ORDER BY seen_at, id", cancellationToken,
            ("since", since.ToUniversalTime()));

    public async Task<IReadOnlyList<StoryRecord>> CandidatesAsync(
        StoryFingerprint fingerprint, string articleId, double minContainment, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (fingerprint.Shingles.Length == 0)
        {
            return [];
        }

        List<long> rows;
        await _indexGate.WaitAsync(cancellationToken);
        try
        {
            await CatchUpAsync(cancellationToken);
            rows = _index.Candidates(fingerprint.Shingles, minContainment, row => _shingleCounts.GetValueOrDefault(row));
        }
        finally
        {
            _indexGate.Release();
        }

        if (rows.Count == 0)
        {
            return [];
        }

        // The index may hold rows older than the retention, or pruned by another replica: the database has the last word.
        return await QueryAsync($"""
            SELECT {Columns} FROM story_shingles
            WHERE id = ANY(@rows) AND seen_at >= @since AND article_id <> @id
            ORDER BY seen_at, id
            """, cancellationToken, ("rows", rows.ToArray()), ("since", since.ToUniversalTime()), ("id", articleId));
    }

    /// <summary>Adds the rows written since the last look, by this replica or any other, to the index.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT id, shingles FROM story_shingles WHERE id > @after ORDER BY id", ("after", _indexedUpTo));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = reader.GetInt64(0);
            var shingles = StoryFingerprint.ShinglesFrom(reader.GetFieldValue<byte[]>(1));
            _index.Add(row, shingles);
            _shingleCounts[row] = shingles.Length;
            _indexedUpTo = row;
        }
    }

    public async Task<StoryRecord?> LatestInStoryAsync(string storyId, DateTimeOffset since, CancellationToken cancellationToken) =>
        (await QueryAsync($"""
            SELECT {Columns} FROM story_shingles WHERE story_id = @story AND seen_at >= @since
            ORDER BY seen_at DESC, version DESC, id LIMIT 1
            """, cancellationToken, ("story", storyId), ("since", since.ToUniversalTime()))).FirstOrDefault();

    public async Task AddAsync(StoryRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, $"""
            INSERT INTO story_shingles ({Columns})
            VALUES (@id, @version, @story, @headline, @shingles, @seen, @updatesId, @updatesVersion)
            ON CONFLICT (article_id, version) DO NOTHING
            """, cancellationToken,
            ("id", record.ArticleId), ("version", record.Version), ("story", record.StoryId), ("headline", record.Headline),
            ("shingles", record.Fingerprint.ShingleBytes()), ("seen", record.SeenAt.ToUniversalTime()),
            ("updatesId", (object?)record.UpdatesArticleId ?? DBNull.Value), ("updatesVersion", (object?)record.UpdatesVersion ?? DBNull.Value));
    }

    /// <summary>Prunes, then rebuilds this replica's index from the rows kept (other replicas' prunes leave rows in it until then).</summary>
    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        int pruned;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            pruned = await ExecuteSqlAsync(connection, "DELETE FROM story_shingles WHERE seen_at < @before", cancellationToken, ("before", olderThan.ToUniversalTime()));
        }

        await _indexGate.WaitAsync(cancellationToken);
        try
        {
            _index.Clear();
            _shingleCounts.Clear();
            _indexedUpTo = 0;
        }
        finally
        {
            _indexGate.Release();
        }

        return pruned;
    }

    private async Task<List<StoryRecord>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        var records = new List<StoryRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var headline = reader.GetString(3);
            var fingerprint = StoryFingerprint.Of(headline, []) with { Shingles = StoryFingerprint.ShinglesFrom(reader.GetFieldValue<byte[]>(4)) };
            records.Add(new StoryRecord(
                reader.GetString(0), reader.GetInt32(1), reader.GetString(2), headline, fingerprint,
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7)));
        }

        return records;
    }
}
