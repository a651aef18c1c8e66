using System.Globalization;
using Microsoft.Data.Sqlite;

using Wirewatch.Fetching;

namespace Wirewatch.State.Sqlite;

/// <summary>The seen-store in the SQLite file under the data directory (schema: <see cref="SqliteMigrations"/>).</summary>
public sealed class SqliteSeenStore : ISeenStore
{
    private readonly SqliteDatabase _database;

    public SqliteSeenStore(SqliteDatabase database)
    {
        _database = database;
    }

    /// <summary>A store on its own database file (tests, benchmarks).</summary>
    public SqliteSeenStore(string databasePath)
        : this(new SqliteDatabase(databasePath))
    {
    }

    public async Task<SeenArticle?> GetAsync(string canonicalUrl, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT article_id, version, content_hash, etag, last_modified, published_at
            FROM fetched_articles WHERE canonical_url = $url
            """;
        command.Parameters.AddWithValue("$url", canonicalUrl);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new SeenArticle(
            canonicalUrl,
            reader.GetString(0),
            reader.GetInt32(1),
            reader.GetString(2),
            ReadValidators(reader, 3),
            DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture));
    }

    /// <summary>Shares its commit with the other writes of the moment (<see cref="SqliteDatabase.WriteAsync"/>), durable before it returns.</summary>
    public Task MarkPublishedAsync(SeenArticle article, CancellationToken cancellationToken) =>
        _database.WriteAsync((connection, transaction, ct) => MarkPublishedAsync(connection, transaction, article, ct), cancellationToken);

    private static async Task MarkPublishedAsync(SqliteConnection connection, SqliteTransaction transaction, SeenArticle article, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO fetched_articles (canonical_url, article_id, version, content_hash, etag, last_modified, published_at)
            VALUES ($url, $id, $version, $hash, $etag, $lastModified, $at)
            ON CONFLICT (canonical_url) DO UPDATE SET
                version = excluded.version, content_hash = excluded.content_hash,
                etag = excluded.etag, last_modified = excluded.last_modified, published_at = excluded.published_at
            """;
        command.Parameters.AddWithValue("$url", article.CanonicalUrl);
        command.Parameters.AddWithValue("$id", article.ArticleId);
        command.Parameters.AddWithValue("$version", article.Version);
        command.Parameters.AddWithValue("$hash", article.ContentHash);
        command.Parameters.AddWithValue("$etag", (object?)article.Validators?.ETag ?? DBNull.Value);
        command.Parameters.AddWithValue("$lastModified", (object?)article.Validators?.LastModified?.ToString("O", CultureInfo.InvariantCulture) ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", article.PublishedAt.ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        // published_at is written as UTC in round-trip form, so text order is time order.
        command.CommandText = "DELETE FROM fetched_articles WHERE published_at < $before";
        command.Parameters.AddWithValue("$before", olderThan.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<HttpValidators?> GetValidatorsAsync(string url, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, last_modified FROM http_validators WHERE url = $url";
        command.Parameters.AddWithValue("$url", url);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadValidators(reader, 0) : null;
    }

    public async Task SaveValidatorsAsync(string url, HttpValidators validators, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO http_validators (url, etag, last_modified) VALUES ($url, $etag, $lastModified)
            ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified
            """;
        command.Parameters.AddWithValue("$url", url);
        command.Parameters.AddWithValue("$etag", (object?)validators.ETag ?? DBNull.Value);
        command.Parameters.AddWithValue("$lastModified", (object?)validators.LastModified?.ToString("O", CultureInfo.InvariantCulture) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredRobots?> GetRobotsAsync(string origin, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body, fetched_at FROM robots_txt WHERE origin = $origin";
        command.Parameters.AddWithValue("$origin", origin);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredRobots(origin, reader.GetString(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture))
            : null;
    }

    public async Task SaveRobotsAsync(StoredRobots robots, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO robots_txt (origin, body, fetched_at) VALUES ($origin, $body, $at)
            ON CONFLICT (origin) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at
            """;
        command.Parameters.AddWithValue("$origin", robots.Origin);
        command.Parameters.AddWithValue("$body", robots.Body);
        command.Parameters.AddWithValue("$at", robots.FetchedAt.ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<AutoKind?> GetAutoKindAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT url, is_feed, decided_at FROM auto_kinds WHERE source_id = $id";
        command.Parameters.AddWithValue("$id", sourceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AutoKind(sourceId, reader.GetString(0), reader.GetInt32(1) == 1, DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture))
            : null;
    }

    public async Task SaveAutoKindAsync(AutoKind kind, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        // The WHERE keeps the first decision's time, and keeps a feed against a page at the same URL (see the interface).
        command.CommandText = """
            INSERT INTO auto_kinds (source_id, url, is_feed, decided_at) VALUES ($id, $url, $feed, $at)
            ON CONFLICT (source_id) DO UPDATE SET url = excluded.url, is_feed = excluded.is_feed, decided_at = excluded.decided_at
            WHERE auto_kinds.url <> excluded.url OR (excluded.is_feed = 1 AND auto_kinds.is_feed = 0)
            """;
        command.Parameters.AddWithValue("$id", kind.SourceId);
        command.Parameters.AddWithValue("$url", kind.Url);
        command.Parameters.AddWithValue("$feed", kind.IsFeed ? 1 : 0);
        command.Parameters.AddWithValue("$at", kind.DecidedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private SqliteConnection Open() => _database.Open();

    private static HttpValidators? ReadValidators(SqliteDataReader reader, int first)
    {
        var etag = reader.IsDBNull(first) ? null : reader.GetString(first);
        DateTimeOffset? lastModified = reader.IsDBNull(first + 1)
            ? null
            : DateTimeOffset.Parse(reader.GetString(first + 1), CultureInfo.InvariantCulture);
        return etag is null && lastModified is null ? null : new HttpValidators(etag, lastModified);
    }
}
