using Npgsql;
using Wirewatch.Fetching;
using static Wirewatch.State.Postgres.PostgresDatabase;

namespace Wirewatch.State.Postgres;

/// <summary>The seen-store in PostgreSQL, shared by every fetcher (schema: <see cref="PostgresMigrations"/>).</summary>
public sealed class PostgresSeenStore(PostgresDatabase database) : ISeenStore
{
    public async Task<SeenArticle?> GetAsync(string canonicalUrl, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT article_id, version, content_hash, etag, last_modified, published_at FROM fetched_articles WHERE canonical_url = @url
            """, ("url", canonicalUrl));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SeenArticle(canonicalUrl, reader.GetString(0), reader.GetInt32(1), reader.GetString(2), ReadValidators(reader, 3),
                reader.GetFieldValue<DateTimeOffset>(5))
            : null;
    }

    public async Task MarkPublishedAsync(SeenArticle article, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, """
            INSERT INTO fetched_articles (canonical_url, article_id, version, content_hash, etag, last_modified, published_at)
            VALUES (@url, @id, @version, @hash, @etag, @lastModified, @at)
            ON CONFLICT (canonical_url) DO UPDATE SET
                version = excluded.version, content_hash = excluded.content_hash,
                etag = excluded.etag, last_modified = excluded.last_modified, published_at = excluded.published_at
            """, cancellationToken,
            ("url", article.CanonicalUrl), ("id", article.ArticleId), ("version", article.Version), ("hash", article.ContentHash),
            ("etag", (object?)article.Validators?.ETag ?? DBNull.Value), ("lastModified", Utc(article.Validators?.LastModified)),
            ("at", article.PublishedAt.ToUniversalTime()));
    }

    public async Task<HttpValidators?> GetValidatorsAsync(string url, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT etag, last_modified FROM http_validators WHERE url = @url", ("url", url));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadValidators(reader, 0) : null;
    }

    public async Task SaveValidatorsAsync(string url, HttpValidators validators, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, """
            INSERT INTO http_validators (url, etag, last_modified) VALUES (@url, @etag, @lastModified)
            ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified
            """, cancellationToken, ("url", url), ("etag", (object?)validators.ETag ?? DBNull.Value), ("lastModified", Utc(validators.LastModified)));
    }

    public async Task<StoredRobots?> GetRobotsAsync(string origin, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT body, fetched_at FROM robots_txt WHERE origin = @origin", ("origin", origin));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredRobots(origin, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)) : null;
    }

    public async Task SaveRobotsAsync(StoredRobots robots, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, """
            INSERT INTO robots_txt (origin, body, fetched_at) VALUES (@origin, @body, @at)
            ON CONFLICT (origin) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at
            """, cancellationToken, ("origin", robots.Origin), ("body", robots.Body), ("at", robots.FetchedAt.ToUniversalTime()));
    }

    public async Task<AutoKind?> GetAutoKindAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT url, is_feed, decided_at FROM auto_kinds WHERE source_id = @id", ("id", sourceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AutoKind(sourceId, reader.GetString(0), reader.GetBoolean(1), reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }

    public async Task SaveAutoKindAsync(AutoKind kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The WHERE keeps the first decision's time, and keeps a feed against a page at the same URL (see the interface).
        await ExecuteSqlAsync(connection, """
            INSERT INTO auto_kinds (source_id, url, is_feed, decided_at) VALUES (@id, @url, @feed, @at)
            ON CONFLICT (source_id) DO UPDATE SET url = excluded.url, is_feed = excluded.is_feed, decided_at = excluded.decided_at
            WHERE auto_kinds.url <> excluded.url OR (excluded.is_feed AND NOT auto_kinds.is_feed)
            """, cancellationToken, ("id", kind.SourceId), ("url", kind.Url), ("feed", kind.IsFeed), ("at", kind.DecidedAt.ToUniversalTime()));
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ExecuteSqlAsync(connection, "DELETE FROM fetched_articles WHERE published_at < @before", cancellationToken, ("before", olderThan.ToUniversalTime()));
    }

    /// <summary>timestamptz takes UTC offsets only.</summary>
    private static object Utc(DateTimeOffset? time) => (object?)time?.ToUniversalTime() ?? DBNull.Value;

    private static HttpValidators? ReadValidators(NpgsqlDataReader reader, int first)
    {
        var etag = reader.IsDBNull(first) ? null : reader.GetString(first);
        DateTimeOffset? lastModified = reader.IsDBNull(first + 1) ? null : reader.GetFieldValue<DateTimeOffset>(first + 1);
        return etag is null && lastModified is null ? null : new HttpValidators(etag, lastModified);
    }
}
