using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Wirewatch.Contracts;

namespace Wirewatch.Classification;

/// <summary>Queue <c>wirewatch-classifier</c>: scores each cleaned article and publishes the result.</summary>
public sealed class ClassifyArticleConsumer(TopicClassifier classifier, TimeProvider time) : IConsumer<ArticleCleaned>
{
    private static readonly Meter Meter = new(WireTelemetry.Name);
    private static readonly Counter<long> Matches = Meter.CreateCounter<long>("wirewatch.classify.matches", "{article}", "Articles that matched a topic, by topic.");
    private static readonly Counter<long> Articles = Meter.CreateCounter<long>("wirewatch.classify.articles", "{article}", "Articles classified.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("wirewatch.classify.duration", "s", "Time to classify one article.");

    public async Task Consume(ConsumeContext<ArticleCleaned> context)
    {
        var started = Stopwatch.GetTimestamp();
        var classified = classifier.Classify(context.Message);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Articles.Add(1);
        foreach (var topic in classified.Topics.Where(t => t.Match))
        {
            Matches.Add(1, new KeyValuePair<string, object?>("topic", topic.Topic));
        }

        Activity.Current?.SetTag("wirewatch.article", classified.ArticleId);
        Activity.Current?.SetTag("wirewatch.topics", string.Join(',', classified.Topics.Where(t => t.Match).Select(t => t.Topic)));
        await context.Publish(classified with { ProducedAt = time.GetUtcNow() }, context.CancellationToken);
    }
}

public sealed class ClassifyArticleConsumerDefinition : ConsumerDefinition<ClassifyArticleConsumer>
{
    public ClassifyArticleConsumerDefinition() => EndpointName = WireNames.ClassifierQueue;
}
