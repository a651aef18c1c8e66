using System.Diagnostics;
using System.Diagnostics.Metrics;
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

/// <summary>The cleaner's instruments on the <c>Wirewatch</c> meter; the names are stable (dashboards and alert rules use them).</summary>
public sealed class CleanerMetrics
{
    // Literal names at the instruments too: tests/Wirewatch.Operations.Tests scans the source for them.
    public const string CleanedName = "wirewatch.clean.cleaned";
    public const string RejectedName = "wirewatch.clean.rejected";

    /// <summary>The instruments on the meter of <paramref name="meters"/> (the host's, so tests and hosts own their lifetime).</summary>
    public CleanerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(WireTelemetry.Name);
        Cleaned = meter.CreateCounter<long>("wirewatch.clean.cleaned", "{article}", "Articles the cleaner published, by source.");
        Rejected = meter.CreateCounter<long>("wirewatch.clean.rejected", "{article}", "Articles the cleaner rejected, by reason and source.");
        Warnings = meter.CreateCounter<long>("wirewatch.clean.warnings", "{warning}", "Warnings on cleaned articles, by code.");
        Duration = meter.CreateHistogram<double>("wirewatch.clean.duration", "s", "Time to clean one article.");
    }

    /// <summary>Articles cleaned and published, tagged <c>source</c>.</summary>
    public Counter<long> Cleaned { get; }

    /// <summary>Articles rejected, tagged <c>reason</c> (empty, binary, no-headline, not-found-page, no-body) and <c>source</c>.</summary>
    public Counter<long> Rejected { get; }

    /// <summary>Warnings on published articles, tagged <c>warning</c>.</summary>
    public Counter<long> Warnings { get; }

    public Histogram<double> Duration { get; }
}

public sealed class CleanArticleConsumerDefinition : ConsumerDefinition<CleanArticleConsumer>
{
    public CleanArticleConsumerDefinition() => EndpointName = WireNames.CleanerQueue;
}
