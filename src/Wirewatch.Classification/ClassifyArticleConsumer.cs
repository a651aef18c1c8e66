using System.Diagnostics;
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

public sealed class ClassifyArticleConsumerDefinition : ConsumerDefinition<ClassifyArticleConsumer>
{
    public ClassifyArticleConsumerDefinition() => EndpointName = WireNames.ClassifierQueue;
}
