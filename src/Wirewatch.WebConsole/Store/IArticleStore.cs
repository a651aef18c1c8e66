using Wirewatch.Contracts;

namespace Wirewatch.WebConsole.Store;

/// <summary>
/// The console's article store: cleaned and classified articles, the alerts raised for them and each channel's delivery
/// outcome (read from the alert ledger where it shares the store). Writes are idempotent: a redelivered message writes
/// nothing twice. Its SQLite implementation (FTS5) is in the state seam, Wirewatch.State; a PostgreSQL one (tsvector)
/// would implement the same interface.
/// </summary>
public interface IArticleStore
{
    Task RecordCleanedAsync(ArticleCleaned article, CancellationToken cancellationToken);

    Task RecordClassifiedAsync(ArticleClassified article, CancellationToken cancellationToken);

    Task RecordAlertAsync(AlertRaised alert, CancellationToken cancellationToken);

    /// <summary>Newest first. <see cref="ArticleQuery.Text"/> is a full-text query over headline and body.</summary>
    Task<IReadOnlyList<StoredArticle>> SearchAsync(ArticleQuery query, CancellationToken cancellationToken);

    /// <summary>Every stored version of the article, newest first; empty when unknown.</summary>
    Task<IReadOnlyList<StoredArticle>> VersionsAsync(string articleId, CancellationToken cancellationToken);

    /// <summary>Every stored article of the story, oldest first.</summary>
    Task<IReadOnlyList<StoredArticle>> StoryAsync(string storyId, CancellationToken cancellationToken);

    /// <summary>Alerts, newest first, with each channel's delivery state; filtered by subscription or article when given.</summary>
    Task<IReadOnlyList<StoredAlert>> AlertsAsync(string? subscriptionId, string? articleId, int limit, CancellationToken cancellationToken);

    /// <summary>Classified articles recorded since <paramref name="since"/>, oldest first: the backtest's input.</summary>
    Task<IReadOnlyList<ArticleClassified>> ClassifiedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Deletes articles and alerts recorded before <paramref name="before"/>; returns how many articles went.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

public sealed record ArticleQuery(string? Text = null, string? Topic = null, DateTimeOffset? Since = null, int Limit = 50);

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

/// <summary>An alert and what each of its channels did with it.</summary>
public sealed record StoredAlert(AlertRaised Alert, DateTimeOffset RecordedAt, IReadOnlyList<ChannelDelivery> Channels);

/// <param name="State"><c>delivered</c>, <c>dead-lettered</c>, <c>in-progress</c> (claimed: being sent or retried) or <c>disabled</c>.</param>
public sealed record ChannelDelivery(string Channel, string State, string? Reason, string? Detail, DateTimeOffset? At)
{
    /// <summary>The console's word for a ledger state (<c>dead</c>, <c>claimed</c>, ...).</summary>
    public static string StateOf(string ledgerState) => ledgerState switch
    {
        "dead" => "dead-lettered",
        "claimed" => "in-progress",
        var other => other,
    };
}
