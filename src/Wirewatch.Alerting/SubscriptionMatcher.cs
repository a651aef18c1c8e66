using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>Decides whether a classified article concerns a subscription and, if so, builds the alert that says why.</summary>
public sealed class SubscriptionMatcher
{
    private const int EvidencePerTopic = 3;

    /// <summary>
    /// The candidate alert for this subscription, or null when the article does not concern it. Its id is the story's
    /// first alert id; the ledger decides whether it is sent, sent as an update, or not at all.
    /// </summary>
    public AlertRaised? Match(ArticleClassified article, Subscription subscription, DateTimeOffset now)
    {
        if (subscription.Sources.Count > 0 && !subscription.Sources.Contains(article.SourceId, StringComparer.Ordinal))
        {
            return null;
        }

        var matched = article.Topics
            .Where(t => t.Match && t.Score >= subscription.MinScore && subscription.Topics.Contains(t.Topic, StringComparer.Ordinal))
            .OrderByDescending(t => t.Score)
            .ToList();
        var enough = subscription.Match == "all" ? matched.Count == subscription.Topics.Count : matched.Count > 0;
        if (!enough || !KeywordsAllow(article, subscription.Keywords) || !EntitiesAllow(article, subscription.Entities))
        {
            return null;
        }

        var top = matched[0].Score;
        var severity = top >= subscription.Severity.High ? Severities.High : top >= subscription.Severity.Medium ? Severities.Medium : Severities.Low;
        var storyId = article.StoryId ?? article.ArticleId;
        return new AlertRaised
        {
            AlertId = AlertIdFor(subscription.Id, storyId),
            SubscriptionId = subscription.Id,
            Severity = severity,
            Topics = matched.Select(t => new AlertTopic { Topic = t.Topic, Score = t.Score }).ToList(),
            Headline = article.Headline,
            Url = article.Url,
            PublishedAt = article.PublishedAt,
            Summary = article.Summary,
            Dateline = article.Dateline,
            Evidence = matched
                .SelectMany(t => t.Evidence.Take(EvidencePerTopic).Select(e => new AlertEvidence { Topic = t.Topic, Term = e.Term, Count = e.Count, Snippet = e.Snippet }))
                .ToList(),
            IsUpdate = false,
            ArticleId = article.ArticleId,
            Version = article.Version,
            StoryId = storyId,
            SourceId = article.SourceId,
            ProducedAt = now,
            Flags = article.Flags,
        };
    }

    /// <summary>Subscription + story: one alert per story, however often and in however many versions it arrives.</summary>
    public static string AlertIdFor(string subscriptionId, string storyId) => $"{subscriptionId}:{storyId}";

    private static bool KeywordsAllow(ArticleClassified article, KeywordFilter? keywords)
    {
        if (keywords is null)
        {
            return true;
        }

        var text = $"{article.Headline}\n{article.Summary}";
        bool Contains(string k) => text.Contains(k, StringComparison.OrdinalIgnoreCase);
        return (keywords.Any.Count == 0 || keywords.Any.Any(Contains)) && !keywords.None.Any(Contains);
    }

    private static bool EntitiesAllow(ArticleClassified article, IReadOnlyList<string> wanted)
    {
        if (wanted.Count == 0)
        {
            return true;
        }

        var all = article.Entities.People.Concat(article.Entities.Organizations).Concat(article.Entities.Places).Concat(article.Entities.Resolutions);
        return all.Any(e => wanted.Contains(e, StringComparer.OrdinalIgnoreCase));
    }
}
