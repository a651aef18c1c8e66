using Wirewatch.Contracts;

namespace Wirewatch.ArticleStore;

/// <summary>
/// The console's article store: cleaned and classified articles, the alerts raised for them and each channel's delivery
/// outcome (read from the alert ledger where it shares the store). Writes are idempotent: a redelivered message writes
/// nothing twice. The state seam (Wirewatch.State) implements it on SQLite (FTS5) and PostgreSQL (tsvector).
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

/// <summary>What <see cref="IArticleStore.SearchAsync"/> looks for: full text, a matched topic, a lower time bound.</summary>
public sealed record ArticleQuery(string? Text = null, string? Topic = null, DateTimeOffset? Since = null, int Limit = 50);
