using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Wirewatch.Contracts;

namespace Wirewatch.Hosting;

/// <summary>
/// Around every consumer: tags the span that received the message from the stage's queue (MassTransit's receive span,
/// the parent of its consume span) with the article it carries (<c>wirewatch.article</c>, <c>wirewatch.version</c>,
/// <c>wirewatch.source</c>), so any stage's part of a trace can be found by article or source in the traces UI, and records
/// how long the message waited between its production and this consumer (<c>wirewatch.consume.lag</c>, by queue):
/// the consumer lag that queue depth alone does not show.
/// </summary>
public sealed class ConsumeTelemetryFilter<T>(TimeProvider time) : IFilter<ConsumeContext<T>>
    where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (Identify(context.Message) is var (articleId, version, sourceId, producedAt))
        {
            var span = Activity.Current;
            span?.SetTag("wirewatch.article", articleId);
            span?.SetTag("wirewatch.version", version);
            span?.SetTag("wirewatch.source", sourceId);
            var queue = context.ReceiveContext.InputAddress?.AbsolutePath.Trim('/') ?? "unknown";
            ConsumeTelemetry.Lag.Record(
                Math.Max(0, (time.GetUtcNow() - producedAt).TotalSeconds),
                new KeyValuePair<string, object?>("queue", queue));
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("wirewatch-consume-telemetry");

    private static (string ArticleId, int Version, string SourceId, DateTimeOffset ProducedAt)? Identify(T message) => message switch
    {
        ArticleFetched m => (m.ArticleId, m.Version, m.SourceId, m.ProducedAt),
        ArticleCleaned m => (m.ArticleId, m.Version, m.SourceId, m.ProducedAt),
        ArticleClassified m => (m.ArticleId, m.Version, m.SourceId, m.ProducedAt),
        ArticleRejected m => (m.ArticleId, m.Version, m.SourceId, m.ProducedAt),
        AlertRaised m => (m.ArticleId, m.Version, m.SourceId, m.ProducedAt),
        _ => null,
    };
}

internal static class ConsumeTelemetry
{
    private static readonly Meter Meter = new(WirewatchDefaults.TelemetryName);

    public static readonly Histogram<double> Lag = Meter.CreateHistogram<double>(
        "wirewatch.consume.lag", "s", "Time from a message's production to the start of its consumption, by queue.");
}
