using Wirewatch.Cleaning;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Classification.Tests;

/// <summary>The shipped taxonomy and gazetteer, and a cleaner to turn pages into input.</summary>
internal static class Classifiers
{
    public static TopicClassifier Shipped() => TopicClassifier.Load(TestPaths.Defaults("topics.json"), TestPaths.Defaults("entities.json"));

    public static ArticleCleaned Clean(string path) =>
        new WireArticleCleaner(new CleanerOptions()).Clean(Articles.FromFile(path)).Article
        ?? throw new InvalidOperationException($"{path} was rejected");

    public static ArticleCleaned Article(string headline, params string[] paragraphs) => new()
    {
        ArticleId = "a1",
        Version = 1,
        SourceId = "test",
        Url = "https://wire.example/a1",
        ProducedAt = Articles.FixedNow,
        Headline = headline,
        Flags = [],
        Paragraphs = paragraphs,
        Language = "en",
        WordCount = paragraphs.Sum(p => p.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length),
        Warnings = [],
    };
}
