using Wirewatch.Contracts;

namespace Wirewatch.Classification.Evaluation;

/// <summary>Precision, recall and F1 of one topic: the classifier's <c>match</c> flag against the label.</summary>
public sealed record TopicMetrics
{
    public required string Topic { get; init; }
    public required int TruePositives { get; init; }
    public required int FalsePositives { get; init; }
    public required int FalseNegatives { get; init; }

    /// <summary>Articles labelled with the topic.</summary>
    public int Support => TruePositives + FalseNegatives;

    /// <summary>TP / (TP + FP); 1 when the topic was never predicted (no false alarms).</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN); 1 when no article carries the label (nothing to miss).</summary>
    public double Recall => Support == 0 ? 1 : (double)TruePositives / Support;

    /// <summary>Harmonic mean of precision and recall; 0 when both are 0.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>An article the classifier got wrong for one topic, with what drove its score.</summary>
public sealed record Confusion
{
    public required string File { get; init; }
    public required string Headline { get; init; }
    public required string Topic { get; init; }

    /// <summary><c>false-positive</c> (matched, not labelled) or <c>false-negative</c> (labelled, not matched).</summary>
    public required string Kind { get; init; }

    public required double Score { get; init; }
    public required IReadOnlyList<Evidence> Evidence { get; init; }
}

public sealed record EvaluationReport
{
    public required int Articles { get; init; }
    public required IReadOnlyList<TopicMetrics> Topics { get; init; }
    public required IReadOnlyList<Confusion> Confusions { get; init; }

    /// <summary>The unweighted mean of the topics' F1.</summary>
    public double MacroF1 => Topics.Count == 0 ? 0 : Topics.Average(t => t.F1);
}

/// <summary>
/// Measures a <see cref="TopicClassifier"/> against labelled articles: per-topic precision, recall and F1 of the
/// <c>match</c> flag, macro-F1 over the taxonomy's topics, and every false positive and false negative with its evidence.
/// </summary>
public static class ClassifierEvaluation
{
    public const string FalsePositive = "false-positive";
    public const string FalseNegative = "false-negative";

    /// <summary>Cleans each article of the split with <paramref name="clean"/> (given the file's full path) and evaluates.</summary>
    public static EvaluationReport Evaluate(TopicClassifier classifier, CorpusLabels corpus, string split, Func<string, ArticleCleaned> clean)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(clean);
        return Evaluate(classifier, corpus.InSplit(split).Select(a => (a, clean(corpus.PathOf(a)))));
    }

    /// <summary>Classifies already-cleaned articles and evaluates.</summary>
    public static EvaluationReport Evaluate(TopicClassifier classifier, IEnumerable<(LabelledArticle Label, ArticleCleaned Article)> articles)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(articles);
        return Score(articles.Select(a => (a.Label, classifier.Classify(a.Article))));
    }

    /// <summary>The arithmetic alone, on results already classified. Topics are those the classifier scored.</summary>
    public static EvaluationReport Score(IEnumerable<(LabelledArticle Label, ArticleClassified Result)> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal); // [tp, fp, fn]
        var order = new List<string>();
        var confusions = new List<Confusion>();
        var articles = 0;
        foreach (var (label, result) in results)
        {
            articles++;
            var labelled = label.Topics.ToHashSet(StringComparer.Ordinal);
            var unknown = labelled.Where(t => result.Topics.All(s => s.Topic != t)).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidDataException($"'{label.File}' is labelled with topic(s) the taxonomy does not have: {string.Join(", ", unknown)}.");
            }

            foreach (var score in result.Topics)
            {
                if (!counts.TryGetValue(score.Topic, out var c))
                {
                    counts[score.Topic] = c = new int[3];
                    order.Add(score.Topic);
                }

                var expected = labelled.Contains(score.Topic);
                if (score.Match && expected)
                {
                    c[0]++;
                }
                else if (score.Match != expected)
                {
                    c[score.Match ? 1 : 2]++;
                    confusions.Add(new Confusion
                    {
                        File = label.File,
                        Headline = result.Headline,
                        Topic = score.Topic,
                        Kind = score.Match ? FalsePositive : FalseNegative,
                        Score = score.Score,
                        Evidence = score.Evidence,
                    });
                }
            }
        }

        return new EvaluationReport
        {
            Articles = articles,
            Topics = order.Order(StringComparer.Ordinal)
                .Select(t => new TopicMetrics { Topic = t, TruePositives = counts[t][0], FalsePositives = counts[t][1], FalseNegatives = counts[t][2] })
                .ToList(),
            Confusions = confusions.OrderBy(c => c.Topic, StringComparer.Ordinal).ThenBy(c => c.Kind, StringComparer.Ordinal)
                .ThenBy(c => c.File, StringComparer.Ordinal).ToList(),
        };
    }
}
