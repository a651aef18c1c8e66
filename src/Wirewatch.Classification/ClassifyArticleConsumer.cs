using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Wirewatch.Contracts;

namespace Wirewatch.Classification;

/// <summary>Queue <c>wirewatch-classifier</c>: scores each cleaned article and publishes the result.</summary>
public sealed class ClassifyArticleConsumer(TopicClassifier classifier, ClassifierMetrics metrics, TimeProvider time) : IConsumer<ArticleCleaned>
{

    public async Task Consume(ConsumeContext<ArticleCleaned> context)
    {
        var started = Stopwatch.GetTimestamp();
        var classified = classifier.Classify(context.Message);
        metrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        metrics.Articles.Add(1);
        foreach (var topic in classified.Topics.Where(t => t.Match))
        {
            metrics.Matches.Add(1, new KeyValuePair<string, object?>("topic", topic.Topic));
        }

        Activity.Current?.SetTag("wirewatch.article", classified.ArticleId);
        Activity.Current?.SetTag("wirewatch.topics", string.Join(',', classified.Topics.Where(t => t.Match).Select(t => t.Topic)));
        await context.Publish(classified with { ProducedAt = time.GetUtcNow() }, context.CancellationToken);
    }
}

/// <summary>The classifier's instruments on the <c>Wirewatch</c> meter, from the host's <see cref="IMeterFactory"/>; the names are stable (dashboards use them).</summary>
public sealed class ClassifierMetrics
{
    public ClassifierMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(WireTelemetry.Name);
        Matches = meter.CreateCounter<long>("wirewatch.classify.matches", "{article}", "Articles that matched a topic, by topic.");
        Articles = meter.CreateCounter<long>("wirewatch.classify.articles", "{article}", "Articles classified.");
        Duration = meter.CreateHistogram<double>("wirewatch.classify.duration", "s", "Time to classify one article.");
    }

    public Counter<long> Matches { get; }
    public Counter<long> Articles { get; }
    public Histogram<double> Duration { get; }
}

public sealed class ClassifyArticleConsumerDefinition : ConsumerDefinition<ClassifyArticleConsumer>
{
    public ClassifyArticleConsumerDefinition() => EndpointName = WireNames.ClassifierQueue;
}
