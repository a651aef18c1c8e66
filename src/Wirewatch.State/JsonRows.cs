using System.Data.Common;
using System.Text.Json;
using Wirewatch.ArticleStore;
using Wirewatch.Contracts;

namespace Wirewatch.State;

/// <summary>Rows that hold wire messages as JSON, read the same way on either provider.</summary>
internal static class JsonRows
{
    /// <summary>The console's article columns, in the order <see cref="StoredArticlesAsync"/> reads them (table alias <c>a</c>).</summary>
    public const string ArticleColumns = "a.article_id, a.version, a.story_id, a.source_id, a.url, a.headline, a.published_at, a.recorded_at, a.cleaned_json, a.classified_json";

    /// <param name="time">Reads the timestamp in a column (SQLite keeps text, PostgreSQL timestamptz).</param>
    public static async Task<IReadOnlyList<StoredArticle>> StoredArticlesAsync(DbCommand command, Func<DbDataReader, int, DateTimeOffset> time, CancellationToken cancellationToken)
    {
        var list = new List<StoredArticle>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var cleaned = reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<ArticleCleaned>(reader.GetString(8), WireJson.Options);
            var classified = reader.IsDBNull(9) ? null : JsonSerializer.Deserialize<ArticleClassified>(reader.GetString(9), WireJson.Options);
            list.Add(StoredArticle.Of(reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : time(reader, 6), time(reader, 7), cleaned, classified));
        }

        return list;
    }

    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), WireJson.Options)!);
        }

        return list;
    }
}
