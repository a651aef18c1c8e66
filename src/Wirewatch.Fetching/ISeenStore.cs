namespace Wirewatch.Fetching;

/// <summary>
/// What the fetcher has already published, per canonical URL (with its version and content hash), the HTTP validators
/// for conditional GETs, each host's robots.txt, and what each <c>auto</c> source turned out to be.
/// Implemented in Wirewatch.State (SQLite by default, PostgreSQL for replicas); the fetcher never knows which.
/// </summary>
public interface ISeenStore
{
    Task<SeenArticle?> GetAsync(string canonicalUrl, CancellationToken cancellationToken);

    /// <summary>Called only after the broker confirmed the publication: what is marked here was never lost.</summary>
    Task MarkPublishedAsync(SeenArticle article, CancellationToken cancellationToken);

    Task<HttpValidators?> GetValidatorsAsync(string url, CancellationToken cancellationToken);

    Task SaveValidatorsAsync(string url, HttpValidators validators, CancellationToken cancellationToken);

    /// <summary>The robots.txt last fetched for an origin (<c>scheme://host:port</c>), or null.</summary>
    Task<StoredRobots?> GetRobotsAsync(string origin, CancellationToken cancellationToken);

    Task SaveRobotsAsync(StoredRobots robots, CancellationToken cancellationToken);

    /// <summary>What an <c>auto</c> source was last decided to be, at whatever URL it had then; null when never decided.</summary>
    Task<AutoKind?> GetAutoKindAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a decision. A page never replaces a feed decided for the same URL (another fetcher may have seen the feed
    /// meanwhile, and a feed's error page must not make it a page); a decision for another URL replaces the old one.
    /// </summary>
    Task SaveAutoKindAsync(AutoKind kind, CancellationToken cancellationToken);

    /// <summary>Forgets articles last published before <paramref name="olderThan"/>; returns how many went.</summary>
    Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>A host's robots.txt as fetched; <see cref="Body"/> is empty when it had none (everything allowed).</summary>
public sealed record StoredRobots(string Origin, string Body, DateTimeOffset FetchedAt);

/// <summary>What an <c>auto</c> source at <see cref="Url"/> turned out to be (a feed or a page), and since when.</summary>
public sealed record AutoKind(string SourceId, string Url, bool IsFeed, DateTimeOffset DecidedAt);

public sealed record SeenArticle(
    string CanonicalUrl,
    string ArticleId,
    int Version,
    string ContentHash,
    HttpValidators? Validators,
    DateTimeOffset PublishedAt);

/// <summary>ETag and Last-Modified, sent back as If-None-Match / If-Modified-Since.</summary>
public sealed record HttpValidators(string? ETag, DateTimeOffset? LastModified)
{
    public bool IsEmpty => ETag is null && LastModified is null;
}
