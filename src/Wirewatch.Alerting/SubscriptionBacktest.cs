using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// What subscriptions would have raised over past articles (<c>wirewatch subscriptions test</c>, the console's backtest):
/// the same <see cref="SubscriptionMatcher"/> and the ledger's story rule (one alert per story; an update only when the
/// severity rises or a new subscribed topic matches), plus near misses: articles that would match with
/// <c>minScore</c> lowered by <paramref name="nearMissMargin"/>.
/// </summary>
public sealed class SubscriptionBacktest(SubscriptionMatcher matcher, TimeProvider time)
{
    public const double DefaultNearMissMargin = 0.1;

    /// <param name="articles">Oldest first (the order the alerter saw them).</param>
    public IReadOnlyList<BacktestResult> Run(IReadOnlyList<Subscription> subscriptions, IReadOnlyList<ArticleClassified> articles, double nearMissMargin = DefaultNearMissMargin)
    {
        var now = time.GetUtcNow();
        var results = new List<BacktestResult>();
        foreach (var subscription in subscriptions)
        {
            var alerts = new List<BacktestAlert>();
            var nearMisses = new List<BacktestNearMiss>();
            var stories = new Dictionary<string, (string Severity, HashSet<string> Topics, int Updates)>(StringComparer.Ordinal);
            var lowered = subscription with { MinScore = Math.Max(0, subscription.MinScore - nearMissMargin) };
            foreach (var article in articles)
            {
                var candidate = matcher.Match(article, subscription, now);
                if (candidate is null)
                {
                    if (matcher.Match(article, lowered, now) is { } near)
                    {
                        nearMisses.Add(new BacktestNearMiss(article.ArticleId, article.Version, article.Headline, near.Topics[0].Topic, near.Topics[0].Score, subscription.MinScore));
                    }

                    continue;
                }

                var storyId = candidate.StoryId!;
                var topics = candidate.Topics.Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
                if (!stories.TryGetValue(storyId, out var story))
                {
                    stories[storyId] = (candidate.Severity, topics, 0);
                    alerts.Add(new BacktestAlert(candidate, article.ArticleId, article.Version));
                    continue;
                }

                if (Severities.Rank(candidate.Severity) > Severities.Rank(story.Severity) || !topics.IsSubsetOf(story.Topics))
                {
                    var n = story.Updates + 1;
                    story.Topics.UnionWith(topics);
                    stories[storyId] = (Severities.Rank(candidate.Severity) > Severities.Rank(story.Severity) ? candidate.Severity : story.Severity, story.Topics, n);
                    var update = candidate with { AlertId = $"{candidate.AlertId}:u{n}", IsUpdate = true, UpdatesAlertId = candidate.AlertId };
                    alerts.Add(new BacktestAlert(update, article.ArticleId, article.Version));
                }
            }

            results.Add(new BacktestResult(subscription.Id, subscription.MinScore, alerts, nearMisses));
        }

        return results;
    }
}

public sealed record BacktestResult(string SubscriptionId, double MinScore, IReadOnlyList<BacktestAlert> Alerts, IReadOnlyList<BacktestNearMiss> NearMisses);

/// <summary>An alert the subscription would have raised, as the alerter would have built it (severity, topics, evidence).</summary>
public sealed record BacktestAlert(AlertRaised Alert, string ArticleId, int Version);

/// <summary>An article whose best subscribed topic scored just under <c>minScore</c>.</summary>
public sealed record BacktestNearMiss(string ArticleId, int Version, string Headline, string Topic, double Score, double MinScore);
