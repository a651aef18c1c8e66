using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Wirewatch.Contracts;

namespace Wirewatch.Cleaning;

/// <summary>Queue <c>wirewatch-cleaner</c>: cleans each fetched article and publishes it, or publishes its rejection.</summary>
public sealed class CleanArticleConsumer(WireArticleCleaner cleaner, TimeProvider time, ILogger<CleanArticleConsumer> log)
    : IConsumer<ArticleFetched>
{
    private static readonly Meter Meter = new("Wirewatch");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>("wirewatch.clean.articles", "{article}", "Articles the cleaner handled, by outcome (cleaned, rejected) and reason.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("wirewatch.clean.duration", "s", "Time to clean one article.");

    public async Task Consume(ConsumeContext<ArticleFetched> context)
    {
        var raw = context.Message;
        var started = Stopwatch.GetTimestamp();
        var result = cleaner.Clean(raw);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Activity.Current?.SetTag("wirewatch.article", raw.ArticleId);

        if (result.Article is { } article)
        {
            Outcomes.Add(1, new("outcome", "cleaned"), new("reason", "none"));
            await context.Publish(article with { ProducedAt = time.GetUtcNow() }, context.CancellationToken);
            return;
        }

        Outcomes.Add(1, new("outcome", "rejected"), new("reason", result.RejectionReason));
        log.LogWarning("Rejected {ArticleId} {Url}: {Reason} ({Detail})", raw.ArticleId, raw.Url, result.RejectionReason, result.RejectionDetail);
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
