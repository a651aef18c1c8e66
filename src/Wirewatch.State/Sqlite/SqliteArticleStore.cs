using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Wirewatch.ArticleStore;
using Wirewatch.Contracts;

namespace Wirewatch.State.Sqlite;

/// <summary>
/// <see cref="IArticleStore"/> in the state seam's SQLite file (<see cref="SqliteDatabase"/>, the alert ledger's file when
/// the alerter runs in the same process or volume; tables from migration 4). <c>console_articles</c> is keyed by article and version, <c>console_alerts</c> by alert
/// id, so a redelivery overwrites a row with itself; <c>console_articles_fts</c> (FTS5) indexes headline and body.
/// Channel outcomes are read from the ledger's <c>alert_deliveries</c> when that table is in this file.
/// </summary>
public sealed class SqliteArticleStore : IArticleStore
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteArticleStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task RecordCleanedAsync(ArticleCleaned article, CancellationToken cancellationToken) =>
        UpsertAsync(article.ArticleId, article.Version, article.StoryId, article.SourceId, article.Url, article.Headline, article.PublishedAt,
            "cleaned_json", JsonSerializer.Serialize(article, WireJson.Options), matchedTopics: null, body: string.Join("\n", article.Paragraphs), cancellationToken);

    public Task RecordClassifiedAsync(ArticleClassified article, CancellationToken cancellationToken) =>
        UpsertAsync(article.ArticleId, article.Version, article.StoryId, article.SourceId, article.Url, article.Headline, article.PublishedAt,
            "classified_json", JsonSerializer.Serialize(article, WireJson.Options), " " + string.Join(' ', article.Topics.Where(t => t.Match).Select(t => t.Topic)) + " ",
            body: null, cancellationToken);

    /// <summary>
    /// One row per version, whichever of the cleaned and the classified message comes first; each fills its own column.
    /// The FTS row is rewritten from the stored texts (the body comes from the cleaned message, the summary until then).
    /// In <c>all</c> mode the console records every article twice and every alert once, beside the stages' own writes:
    /// these share the commits of the moment (<see cref="SqliteDatabase.WriteAsync"/>) instead of one fsync each.
    /// </summary>
    private Task UpsertAsync(string articleId, int version, string? storyId, string sourceId, string url, string headline, DateTimeOffset? publishedAt,
        string jsonColumn, string json, string? matchedTopics, string? body, CancellationToken cancellationToken) =>
        _database.WriteAsync((connection, transaction, ct) => UpsertAsync(connection, transaction, articleId, version, storyId, sourceId, url, headline, publishedAt,
            jsonColumn, json, matchedTopics, body, ct), cancellationToken);

    private async Task UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, string articleId, int version, string? storyId, string sourceId,
        string url, string headline, DateTimeOffset? publishedAt, string jsonColumn, string json, string? matchedTopics, string? body, CancellationToken cancellationToken)
    {
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO console_articles (article_id, version, story_id, source_id, url, headline, published_at, recorded_at, {jsonColumn}, matched_topics)
                VALUES ($id, $version, $story, $source, $url, $headline, $published, $now, $json, COALESCE($topics, ''))
                ON CONFLICT (article_id, version) DO UPDATE SET {jsonColumn} = excluded.{jsonColumn},
                    story_id = COALESCE(excluded.story_id, story_id), headline = excluded.headline,
                    matched_topics = COALESCE($topics, matched_topics)
                """;
            command.Parameters.AddWithValue("$id", articleId);
            command.Parameters.AddWithValue("$version", version);
            command.Parameters.AddWithValue("$story", (object?)storyId ?? DBNull.Value);
            command.Parameters.AddWithValue("$source", sourceId);
            command.Parameters.AddWithValue("$url", url);
            command.Parameters.AddWithValue("$headline", headline);
            command.Parameters.AddWithValue("$published", publishedAt is { } p ? p.ToString("O", CultureInfo.InvariantCulture) : DBNull.Value);
            command.Parameters.AddWithValue("$now", Timestamp(_time.GetUtcNow()));
            command.Parameters.AddWithValue("$json", json);
            command.Parameters.AddWithValue("$topics", (object?)matchedTopics ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                DELETE FROM console_articles_fts WHERE article_id = $id AND version = $version;
                INSERT INTO console_articles_fts (article_id, version, headline, body)
                SELECT article_id, version, headline,
                       COALESCE($body, (SELECT group_concat(value, char(10)) FROM json_each(cleaned_json, '$.paragraphs')), json_extract(classified_json, '$.summary'), '')
                FROM console_articles WHERE article_id = $id AND version = $version;
                """;
            command.Parameters.AddWithValue("$id", articleId);
            command.Parameters.AddWithValue("$version", version);
            command.Parameters.AddWithValue("$body", (object?)body ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public Task RecordAlertAsync(AlertRaised alert, CancellationToken cancellationToken) =>
        _database.WriteAsync((connection, transaction, ct) => RecordAlertAsync(connection, transaction, alert, ct), cancellationToken);

    private async Task RecordAlertAsync(SqliteConnection connection, SqliteTransaction transaction, AlertRaised alert, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO console_alerts (alert_id, subscription_id, article_id, version, severity, recorded_at, alert_json)
            VALUES ($id, $subscription, $article, $version, $severity, $now, $json)
            ON CONFLICT (alert_id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$id", alert.AlertId);
        command.Parameters.AddWithValue("$subscription", alert.SubscriptionId);
        command.Parameters.AddWithValue("$article", alert.ArticleId);
        command.Parameters.AddWithValue("$version", alert.Version);
        command.Parameters.AddWithValue("$severity", alert.Severity);
        command.Parameters.AddWithValue("$now", Timestamp(_time.GetUtcNow()));
        command.Parameters.AddWithValue("$json", JsonSerializer.Serialize(alert, WireJson.Options));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredArticle>> SearchAsync(ArticleQuery query, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (FtsQuery(query.Text) is { } match)
        {
            where.Add("(a.article_id, a.version) IN (SELECT article_id, version FROM console_articles_fts WHERE console_articles_fts MATCH $match)");
            command.Parameters.AddWithValue("$match", match);
        }

        if (!string.IsNullOrWhiteSpace(query.Topic))
        {
            where.Add("a.matched_topics LIKE $topic ESCAPE '\\'");
            command.Parameters.AddWithValue("$topic", "% " + query.Topic.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + " %");
        }

        if (query.Since is { } since)
        {
            where.Add("a.recorded_at >= $since");
            command.Parameters.AddWithValue("$since", Timestamp(since));
        }

        command.CommandText = $"""
            SELECT {Columns} FROM console_articles a
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY a.recorded_at DESC, a.article_id, a.version DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, 500));
        return await ReadArticlesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredArticle>> VersionsAsync(string articleId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM console_articles a WHERE a.article_id = $id ORDER BY a.version DESC";
        command.Parameters.AddWithValue("$id", articleId);
        return await ReadArticlesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredArticle>> StoryAsync(string storyId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM console_articles a WHERE a.story_id = $story ORDER BY a.recorded_at, a.article_id, a.version";
        command.Parameters.AddWithValue("$story", storyId);
        return await ReadArticlesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredAlert>> AlertsAsync(string? subscriptionId, string? articleId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        var hasLedger = await TableExistsAsync(connection, "alert_deliveries", cancellationToken);
        await using var command = connection.CreateCommand();
        // The bus copy (console_alerts) and the ledger's copy (alerts that went only to webhooks or email) of each alert.
        var ledgerAlerts = hasLedger
            ? "UNION SELECT alert_id, json_extract(alert_json, '$.subscriptionId'), json_extract(alert_json, '$.articleId'), MIN(COALESCE(claimed_at, finished_at)), alert_json FROM alert_deliveries GROUP BY alert_id"
            : "";
        command.CommandText = $"""
            SELECT alert_id, MIN(recorded_at) AS recorded_at, MIN(alert_json) FROM (
                SELECT alert_id, subscription_id, article_id, recorded_at, alert_json FROM console_alerts
                {ledgerAlerts}
            )
            WHERE ($subscription IS NULL OR subscription_id = $subscription) AND ($article IS NULL OR article_id = $article)
            GROUP BY alert_id ORDER BY recorded_at DESC, alert_id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$subscription", (object?)subscriptionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$article", (object?)articleId ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 1000));
        var alerts = new List<(AlertRaised Alert, DateTimeOffset RecordedAt)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var alert = JsonSerializer.Deserialize<AlertRaised>(reader.GetString(2), WireJson.Options)!;
                alerts.Add((alert, reader.IsDBNull(1) ? _time.GetUtcNow() : ParseTime(reader.GetString(1))));
            }
        }

        var result = new List<StoredAlert>();
        foreach (var (alert, recordedAt) in alerts)
        {
            result.Add(new StoredAlert(alert, recordedAt, hasLedger ? await DeliveriesAsync(connection, alert.AlertId, cancellationToken) : []));
        }

        return result;
    }

    private static async Task<IReadOnlyList<ChannelDelivery>> DeliveriesAsync(SqliteConnection connection, string alertId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT channel, state, reason, detail, COALESCE(finished_at, claimed_at), attempts FROM alert_deliveries WHERE alert_id = $id ORDER BY channel";
        command.Parameters.AddWithValue("$id", alertId);
        var list = new List<ChannelDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ChannelDelivery.Of(reader.GetString(0), reader.GetString(1), reader.GetInt32(5), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : ParseTime(reader.GetString(4))));
        }

        return list;
    }

    public async Task<IReadOnlyList<ArticleClassified>> ClassifiedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT classified_json FROM console_articles
            WHERE classified_json IS NOT NULL AND recorded_at >= $since
            ORDER BY recorded_at, article_id, version
            """;
        command.Parameters.AddWithValue("$since", Timestamp(since));
        return await JsonRows.ReadAllAsync<ArticleClassified>(command, cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            DELETE FROM console_articles_fts WHERE (article_id, version) IN (SELECT article_id, version FROM console_articles WHERE recorded_at < $before);
            DELETE FROM console_alerts WHERE recorded_at < $before;
            DELETE FROM console_articles WHERE recorded_at < $before;
            SELECT changes();
            """;
        command.Parameters.AddWithValue("$before", Timestamp(before));
        var deleted = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    private const string Columns = JsonRows.ArticleColumns;

    private static Task<IReadOnlyList<StoredArticle>> ReadArticlesAsync(SqliteCommand command, CancellationToken cancellationToken) =>
        JsonRows.StoredArticlesAsync(command, (reader, column) => ParseTime(reader.GetString(column)), cancellationToken);

    /// <summary>
    /// Each word of the user's text as a quoted FTS5 term, all required: FTS5's own syntax (NEAR, column filters,
    /// unbalanced quotes) is never interpreted from input. Null when the text holds no word.
    /// </summary>
    internal static string? FtsQuery(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                terms.Add("\"" + word + "\"");
                word.Clear();
            }
        }

        return terms.Count == 0 ? null : string.Join(" AND ", terms);
    }

    private static async Task<bool> TableExistsAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", table);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private SqliteConnection Open() => _database.Open();
}
