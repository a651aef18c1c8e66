using Wirewatch.Contracts;

namespace Wirewatch.ArticleStore;

/// <summary>One version of an article as stored: what the cleaner and the classifier said (either may still be missing).</summary>
public sealed record StoredArticle
{
    public required string ArticleId { get; init; }
    public required int Version { get; init; }
    public string? StoryId { get; init; }
    public required string SourceId { get; init; }
    public required string Url { get; init; }
    public required string Headline { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public IReadOnlyList<string> Paragraphs { get; init; } = [];
    public string? Summary { get; init; }

    /// <summary>Every topic with its score, match and evidence, highest first; empty until the classification arrives.</summary>
    public IReadOnlyList<TopicScore> Topics { get; init; } = [];
    public Entities? Entities { get; init; }

    public IEnumerable<TopicScore> MatchedTopics => Topics.Where(t => t.Match);

    /// <summary>A stored row as the console shows it: the halves that arrived (either may be missing), the classifier's view first.</summary>
    public static StoredArticle Of(string articleId, int version, string? storyId, string sourceId, string url, string headline,
        DateTimeOffset? publishedAt, DateTimeOffset recordedAt, ArticleCleaned? cleaned, ArticleClassified? classified) => new()
    {
        ArticleId = articleId,
        Version = version,
        StoryId = storyId,
        SourceId = sourceId,
        Url = url,
        Headline = headline,
        PublishedAt = publishedAt,
        RecordedAt = recordedAt,
        Flags = classified?.Flags ?? cleaned?.Flags ?? [],
        Paragraphs = cleaned?.Paragraphs ?? [],
        Summary = classified?.Summary ?? (cleaned?.Paragraphs.Count > 0 ? cleaned.Paragraphs[0] : null),
        Topics = classified?.Topics ?? [],
        Entities = classified?.Entities,
    };
}
