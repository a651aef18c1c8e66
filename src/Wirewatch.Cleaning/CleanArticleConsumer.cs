using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Wirewatch.Cleaning.Stories;
using Wirewatch.Contracts;

namespace Wirewatch.Cleaning;

/// <summary>
/// Queue <c>wirewatch-cleaner</c>: cleans each fetched article, gives it its story, and publishes it, or publishes its
/// rejection (counted and logged once; a rejection is a message, never an exception, so it is not retried).
/// </summary>
public sealed class CleanArticleConsumer(WireArticleCleaner cleaner, StoryTracker stories, CleanerMetrics metrics, TimeProvider time, ILogger<CleanArticleConsumer> log)
    : IConsumer<ArticleFetched>
{
    public async Task Consume(ConsumeContext<ArticleFetched> context)
    {
        var raw = context.Message;
        var started = Stopwatch.GetTimestamp();
        var result = cleaner.Clean(raw);
        metrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Activity.Current?.SetTag("wirewatch.article", raw.ArticleId);

        if (result.Article is { } cleaned)
        {
            var article = await stories.AssignAsync(cleaned, context.CancellationToken);
            Activity.Current?.SetTag("wirewatch.story", article.StoryId);
            metrics.Cleaned.Add(1, new KeyValuePair<string, object?>("source", raw.SourceId));
            foreach (var warning in article.Warnings)
            {
                metrics.Warnings.Add(1, new KeyValuePair<string, object?>("warning", warning));
            }

            await context.Publish(article with { ProducedAt = time.GetUtcNow() }, context.CancellationToken);
            return;
        }

        metrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", result.RejectionReason), new KeyValuePair<string, object?>("source", raw.SourceId));
        log.LogWarning("Rejected {ArticleId} v{Version} {Url}: {Reason} ({Detail})", raw.ArticleId, raw.Version, raw.Url, result.RejectionReason, result.RejectionDetail);
        await context.Publish(new ArticleRejected
        {
            ArticleId = raw.ArticleId,
            Version = raw.Version,
            SourceId = raw.SourceId,
            Url = raw.Url,
            ProducedAt = time.GetUtcNow(),
            Stage = "cleaner",
            Reason = result.RejectionReason!,
            Detail = result.RejectionDetail,
        }, context.CancellationToken);
    }
}

public sealed class CleanArticleConsumerDefinition : ConsumerDefinition<CleanArticleConsumer>
{
    public CleanArticleConsumerDefinition() => EndpointName = WireNames.CleanerQueue;
}
