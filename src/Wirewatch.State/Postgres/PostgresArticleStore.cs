using System.Text.Json;
using Npgsql;
using Wirewatch.ArticleStore;
using Wirewatch.Contracts;
using static Wirewatch.State.Postgres.PostgresDatabase;

namespace Wirewatch.State.Postgres;

/// <summary>
/// <see cref="IArticleStore"/> in PostgreSQL (migration 5), shared by console replicas: <c>console_articles</c> keyed by
/// article and version with a stored <c>tsvector</c> over headline (weight A) and body (B) and its GIN index,
/// <c>console_alerts</c> keyed by alert id, so a redelivery overwrites a row with itself. User text is searched with
/// <c>plainto_tsquery</c>: words, all required, never query syntax. Channel outcomes come from the ledger's
/// <c>alert_deliveries</c> in the same database.
/// </summary>
public sealed class PostgresArticleStore(PostgresDatabase database, TimeProvider time) : IArticleStore
{
    public async Task RecordCleanedAsync(ArticleCleaned article, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, """
            INSERT INTO console_articles (article_id, version, story_id, source_id, url, headline, published_at, recorded_at, cleaned_json, body)
            VALUES (@id, @version, @story, @source, @url, @headline, @published, @now, @json, @body)
            ON CONFLICT (article_id, version) DO UPDATE SET cleaned_json = excluded.cleaned_json,
                story_id = COALESCE(excluded.story_id, console_articles.story_id), headline = excluded.headline, body = excluded.body
            """, cancellationToken, Row(article.ArticleId, article.Version, article.StoryId, article.SourceId, article.Url, article.Headline, article.PublishedAt,
            ("json", JsonSerializer.Serialize(article, WireJson.Options)), ("body", string.Join("\n", article.Paragraphs))));
    }

    public async Task RecordClassifiedAsync(ArticleClassified article, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The body comes from the cleaned message; until it arrives the summary stands in for the search.
        await ExecuteSqlAsync(connection, """
            INSERT INTO console_articles (article_id, version, story_id, source_id, url, headline, published_at, recorded_at, classified_json, matched_topics, body)
            VALUES (@id, @version, @story, @source, @url, @headline, @published, @now, @json, @topics, @body)
            ON CONFLICT (article_id, version) DO UPDATE SET classified_json = excluded.classified_json,
                story_id = COALESCE(excluded.story_id, console_articles.story_id), headline = excluded.headline,
                matched_topics = excluded.matched_topics,
                body = CASE WHEN console_articles.cleaned_json IS NULL THEN excluded.body ELSE console_articles.body END
            """, cancellationToken, Row(article.ArticleId, article.Version, article.StoryId, article.SourceId, article.Url, article.Headline, article.PublishedAt,
            ("json", JsonSerializer.Serialize(article, WireJson.Options)), ("topics", article.Topics.Where(t => t.Match).Select(t => t.Topic).ToArray()),
            ("body", article.Summary ?? "")));
    }

    private (string, object)[] Row(string id, int version, string? story, string source, string url, string headline, DateTimeOffset? published,
        params (string, object)[] more) =>
    [
        ("id", id), ("version", version), ("story", (object?)story ?? DBNull.Value), ("source", source), ("url", url), ("headline", headline),
        ("published", published is { } p ? p.ToUniversalTime() : DBNull.Value), ("now", time.GetUtcNow().ToUniversalTime()), .. more,
    ];

    public async Task RecordAlertAsync(AlertRaised alert, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, """
            INSERT INTO console_alerts (alert_id, subscription_id, article_id, version, severity, recorded_at, alert_json)
            VALUES (@id, @subscription, @article, @version, @severity, @now, @json)
            ON CONFLICT (alert_id) DO NOTHING
            """, cancellationToken, ("id", alert.AlertId), ("subscription", alert.SubscriptionId), ("article", alert.ArticleId), ("version", alert.Version),
            ("severity", alert.Severity), ("now", time.GetUtcNow().ToUniversalTime()), ("json", JsonSerializer.Serialize(alert, WireJson.Options)));
    }

    public async Task<IReadOnlyList<StoredArticle>> SearchAsync(ArticleQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var parameters = new List<(string, object)> { ("limit", Math.Clamp(query.Limit, 1, 500)) };
        if (!string.IsNullOrWhiteSpace(query.Text) && query.Text.Any(char.IsLetterOrDigit))
        {
            where.Add("a.search @@ plainto_tsquery('english', @text)");
            parameters.Add(("text", query.Text));
        }

        if (!string.IsNullOrWhiteSpace(query.Topic))
        {
            where.Add("@topic = ANY (a.matched_topics)");
            parameters.Add(("topic", query.Topic.Trim()));
        }

        if (query.Since is { } since)
        {
            where.Add("a.recorded_at >= @since");
            parameters.Add(("since", since.ToUniversalTime()));
        }

        return await ReadArticlesAsync($"""
            SELECT {Columns} FROM console_articles a
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY a.recorded_at DESC, a.article_id COLLATE "C", a.version DESC LIMIT @limit
            """, cancellationToken, [.. parameters]);
    }

    public Task<IReadOnlyList<StoredArticle>> VersionsAsync(string articleId, CancellationToken cancellationToken) =>
        ReadArticlesAsync($"SELECT {Columns} FROM console_articles a WHERE a.article_id = @id ORDER BY a.version DESC", cancellationToken, ("id", articleId));

    public Task<IReadOnlyList<StoredArticle>> StoryAsync(string storyId, CancellationToken cancellationToken) =>
        ReadArticlesAsync($"SELECT {Columns} FROM console_articles a WHERE a.story_id = @story ORDER BY a.recorded_at, a.article_id COLLATE \"C\", a.version",
            cancellationToken, ("story", storyId));

    public async Task<IReadOnlyList<StoredAlert>> AlertsAsync(string? subscriptionId, string? articleId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The bus copy (console_alerts) and the ledger's copy (alerts that went only to webhooks or email) of each alert.
        var alerts = new List<(AlertRaised Alert, DateTimeOffset RecordedAt)>();
        await using (var command = Command(connection, """
            SELECT alert_id, MIN(recorded_at) AS recorded_at, MIN(alert_json) FROM (
                SELECT alert_id, subscription_id, article_id, recorded_at, alert_json FROM console_alerts
                UNION ALL
                SELECT alert_id, MIN(alert_json)::jsonb ->> 'subscriptionId', MIN(alert_json)::jsonb ->> 'articleId',
                       MIN(COALESCE(claimed_at, finished_at)), MIN(alert_json)
                FROM alert_deliveries GROUP BY alert_id
            ) x
            WHERE (@subscription::text IS NULL OR subscription_id = @subscription) AND (@article::text IS NULL OR article_id = @article)
            GROUP BY alert_id ORDER BY 2 DESC NULLS LAST, alert_id COLLATE "C" LIMIT @limit
            """, ("subscription", (object?)subscriptionId ?? DBNull.Value), ("article", (object?)articleId ?? DBNull.Value), ("limit", Math.Clamp(limit, 1, 1000))))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var alert = JsonSerializer.Deserialize<AlertRaised>(reader.GetString(2), WireJson.Options)!;
                alerts.Add((alert, reader.IsDBNull(1) ? time.GetUtcNow() : reader.GetFieldValue<DateTimeOffset>(1)));
            }
        }

        var result = new List<StoredAlert>();
        foreach (var (alert, recordedAt) in alerts)
        {
            result.Add(new StoredAlert(alert, recordedAt, await DeliveriesAsync(connection, alert.AlertId, cancellationToken)));
        }

        return result;
    }

    private static async Task<IReadOnlyList<ChannelDelivery>> DeliveriesAsync(NpgsqlConnection connection, string alertId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            "SELECT channel, state, reason, detail, COALESCE(finished_at, claimed_at), attempts FROM alert_deliveries WHERE alert_id = @id ORDER BY channel COLLATE \"C\"",
            ("id", alertId));
        var list = new List<ChannelDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ChannelDelivery.Of(reader.GetString(0), reader.GetString(1), reader.GetInt32(5), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return list;
    }

    public async Task<IReadOnlyList<ArticleClassified>> ClassifiedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT classified_json FROM console_articles
            WHERE classified_json IS NOT NULL AND recorded_at >= @since
            ORDER BY recorded_at, article_id COLLATE "C", version
            """, ("since", since.ToUniversalTime()));
        return await JsonRows.ReadAllAsync<ArticleClassified>(command, cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteSqlAsync(connection, "DELETE FROM console_alerts WHERE recorded_at < @before", cancellationToken, ("before", before.ToUniversalTime()));
        var deleted = await ExecuteSqlAsync(connection, "DELETE FROM console_articles WHERE recorded_at < @before", cancellationToken, ("before", before.ToUniversalTime()));
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    private const string Columns = JsonRows.ArticleColumns;

    private async Task<IReadOnlyList<StoredArticle>> ReadArticlesAsync(string sql, CancellationToken cancellationToken, params (string, object)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        return await JsonRows.StoredArticlesAsync(command, (reader, column) => reader.GetFieldValue<DateTimeOffset>(column), cancellationToken);
    }
}
