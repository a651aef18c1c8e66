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
/// Story fingerprints, shared by every cleaner that uses the same store (Wirewatch.State: SQLite under the data
/// directory, or PostgreSQL for replicas). The cleaner never knows which.
/// </summary>
public interface IStoryStore
{
    /// <summary>
    /// Held while one article's story is decided and recorded, by every process sharing the store: two versions of one
    /// story arriving at two cleaners at once must not both start a story. Dispose to release.
    /// </summary>
    Task<IAsyncDisposable> LockDecisionsAsync(CancellationToken cancellationToken);

    /// <summary>The record of exactly this version, when it was seen before (a redelivery).</summary>
    Task<StoryRecord?> GetAsync(string articleId, int version, CancellationToken cancellationToken);

    /// <summary>The latest earlier version of the same URL, if any.</summary>
    Task<StoryRecord?> PreviousVersionAsync(string articleId, int version, CancellationToken cancellationToken);

    /// <summary>Every record seen at or after <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<StoryRecord>> RecentAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// The records seen at or after <paramref name="since"/>, of other articles than <paramref name="articleId"/>, whose
    /// body shares at least <paramref name="minContainment"/> of the smaller body's shingles with
    /// <paramref name="fingerprint"/> (at least every such record; the caller decides exactly), oldest first. Found
    /// through an index of shingles, so the cost follows the candidates, not the number of stories kept.
    /// </summary>
    Task<IReadOnlyList<StoryRecord>> CandidatesAsync(
        StoryFingerprint fingerprint, string articleId, double minContainment, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The latest record of <paramref name="storyId"/> seen at or after <paramref name="since"/> (latest version on a tie).</summary>
    Task<StoryRecord?> LatestInStoryAsync(string storyId, DateTimeOffset since, CancellationToken cancellationToken);

    Task AddAsync(StoryRecord record, CancellationToken cancellationToken);

    /// <summary>Forgets records seen before <paramref name="olderThan"/>; returns how many went.</summary>
    Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>For <c>wirewatch clean</c> and tests: stories of one process run, matched by scanning them all.</summary>
public sealed class InMemoryStoryStore : IStoryStore
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _decisions = new(1, 1);
    private readonly List<StoryRecord> _records = [];

    public async Task<IAsyncDisposable> LockDecisionsAsync(CancellationToken cancellationToken)
    {
        await _decisions.WaitAsync(cancellationToken);
        return new DecisionLock(_decisions);
    }

    /// <summary>Releases a <see cref="SemaphoreSlim"/> decision lock once.</summary>
    public sealed class DecisionLock(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }

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

    public Task<IReadOnlyList<StoryRecord>> CandidatesAsync(
        StoryFingerprint fingerprint, string articleId, double minContainment, DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoryRecord>>(_records
                .Where(r => r.SeenAt >= since && r.ArticleId != articleId && fingerprint.Containment(r.Fingerprint) >= minContainment)
                .ToList());
        }
    }

    public Task<StoryRecord?> LatestInStoryAsync(string storyId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records
                .Where(r => r.StoryId == storyId && r.SeenAt >= since)
                .OrderByDescending(r => r.SeenAt).ThenByDescending(r => r.Version)
                .FirstOrDefault());
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
