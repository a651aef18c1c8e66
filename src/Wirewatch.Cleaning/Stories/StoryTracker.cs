using Wirewatch.Contracts;

namespace Wirewatch.Cleaning.Stories;

/// <summary>What the matcher decided for one article version.</summary>
public sealed record StoryAssignment(string StoryId, string? UpdatesArticleId, int? UpdatesVersion);

/// <summary>
/// Gives every cleaned article a story: a later version of the same URL continues its story; otherwise the most similar
/// recent article continues when their bodies share enough word 3-shingles (a re-issued LEAD, a reprint under another
/// headline), else the article starts a story named after its own id. Says which earlier article version it updates.
/// Thresholds were chosen on the test corpus (docs/cleaning.md).
/// </summary>
public sealed class StoryTracker(IStoryStore store, TimeProvider time, CleanerOptions options)
{
    /// <summary>Share of the smaller body's shingles found in the other: at or above, the same story.</summary>
    public const double SameCopy = 0.5;

    /// <summary>A rewrite with less shared copy still counts when the headlines agree this much.</summary>
    public const double RewrittenCopy = 0.3;

    public const double SimilarHeadline = 0.4;

    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    public async Task<ArticleCleaned> AssignAsync(ArticleCleaned article, CancellationToken cancellationToken)
    {
        var assignment = await DecideAsync(article, cancellationToken);
        return article with
        {
            StoryId = assignment.StoryId,
            UpdatesArticleId = assignment.UpdatesArticleId,
            UpdatesVersion = assignment.UpdatesVersion,
        };
    }

    public async Task<StoryAssignment> DecideAsync(ArticleCleaned article, CancellationToken cancellationToken)
    {
        // One decision at a time across every cleaner sharing the store: two versions arriving together must not both start a story.
        await using (await store.LockDecisionsAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            await PruneIfDueAsync(now, cancellationToken);
            if (await store.GetAsync(article.ArticleId, article.Version, cancellationToken) is { } known)
            {
                return new StoryAssignment(known.StoryId, known.UpdatesArticleId, known.UpdatesVersion); // a redelivery
            }

            var fingerprint = StoryFingerprint.Of(article.Headline, article.Paragraphs);
            var since = now - options.StoryRetention;
            var earlier = await store.PreviousVersionAsync(article.ArticleId, article.Version, cancellationToken)
                          ?? await ClosestAsync(fingerprint, article.ArticleId, since, cancellationToken);
            var assignment = earlier is null
                ? new StoryAssignment(article.ArticleId, null, null)
                : new StoryAssignment(earlier.StoryId, earlier.ArticleId, earlier.Version);
            await store.AddAsync(new StoryRecord(article.ArticleId, article.Version, assignment.StoryId, article.Headline, fingerprint, now,
                assignment.UpdatesArticleId, assignment.UpdatesVersion), cancellationToken);
            return assignment;
        }
    }

    /// <summary>
    /// The best-matching recent article, and within its story the latest version seen: that is what this one updates.
    /// Only the store's candidates (sharing at least <see cref="RewrittenCopy"/> of the copy, the weakest match) are
    /// compared, so the cost does not grow with the stories kept; the decision is the same as over every record.
    /// </summary>
    private async Task<StoryRecord?> ClosestAsync(StoryFingerprint fingerprint, string articleId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var candidates = await store.CandidatesAsync(fingerprint, articleId, RewrittenCopy, since, cancellationToken);
        var best = candidates
            .Select(r => (Record: r, Containment: fingerprint.Containment(r.Fingerprint), Headline: fingerprint.HeadlineSimilarity(r.Fingerprint)))
            .Where(m => IsSameStory(m.Containment, m.Headline))
            .OrderByDescending(m => m.Containment + m.Headline / 2)
            .Select(m => m.Record)
            .FirstOrDefault();
        return best is null ? null : await store.LatestInStoryAsync(best.StoryId, since, cancellationToken) ?? best;
    }

    public static bool IsSameStory(double containment, double headlineSimilarity) =>
        containment >= SameCopy || (containment >= RewrittenCopy && headlineSimilarity >= SimilarHeadline);

    private async Task PruneIfDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now - _lastPrune < TimeSpan.FromHours(1))
        {
            return;
        }

        _lastPrune = now;
        await store.PruneAsync(now - options.StoryRetention, cancellationToken);
    }
}
