namespace Wirewatch.Cleaning.Stories;

/// <summary>One cleaned article version as the story matcher remembers it.</summary>
public sealed record StoryRecord(
    string ArticleId,
    int Version,
    string StoryId,
    string Headline,
    StoryFingerprint Fingerprint,
    DateTimeOffset SeenAt,
    string? UpdatesArticleId,
    int? UpdatesVersion);

/// <summary>
/// Story fingerprints: SQLite under the data directory by default (<see cref="SqliteStoryStore"/>); a shared
/// database (PostgreSQL) can implement the same five operations when several cleaners run.
/// </summary>
public interface IStoryStore
{
    /// <summary>The record of exactly this version, when it was seen before (a redelivery).</summary>
    Task<StoryRecord?> GetAsync(string articleId, int version, CancellationToken cancellationToken);

    /// <summary>The latest earlier version of the same URL, if any.</summary>
    Task<StoryRecord?> PreviousVersionAsync(string articleId, int version, CancellationToken cancellationToken);

    /// <summary>Every record seen at or after <paramref name="since"/>: the candidates a new article may continue.</summary>
    Task<IReadOnlyList<StoryRecord>> RecentAsync(DateTimeOffset since, CancellationToken cancellationToken);

    Task AddAsync(StoryRecord record, CancellationToken cancellationToken);

    /// <summary>Forgets records seen before <paramref name="olderThan"/>; returns how many went.</summary>
    Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>For <c>wirewatch clean</c> and tests: stories of one process run.</summary>
public sealed class InMemoryStoryStore : IStoryStore
{
    private readonly Lock _gate = new();
    private readonly List<StoryRecord> _records = [];

    public Task<StoryRecord?> GetAsync(string articleId, int version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.FirstOrDefault(r => r.ArticleId == articleId && r.Version == version));
        }
    }

    public Task<StoryRecord?> PreviousVersionAsync(string articleId, int version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.Where(r => r.ArticleId == articleId && r.Version < version).MaxBy(r => r.Version));
        }
    }

    public Task<IReadOnlyList<StoryRecord>> RecentAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoryRecord>>(_records.Where(r => r.SeenAt >= since).ToList());
        }
    }

    public Task AddAsync(StoryRecord record, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _records.RemoveAll(r => r.ArticleId == record.ArticleId && r.Version == record.Version);
            _records.Add(record);
        }

        return Task.CompletedTask;
    }

    public Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.RemoveAll(r => r.SeenAt < olderThan));
        }
    }
}
