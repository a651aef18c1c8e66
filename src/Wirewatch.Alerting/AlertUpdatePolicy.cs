using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>One alert a story already raised for a subscription, as a ledger stores it.</summary>
public sealed record StoryAlertRecord(string AlertId, long Sequence, string ArticleId, int Version, string Severity, IReadOnlyList<string> Topics);

/// <summary>What a candidate means for its story: the alert to deliver, its sequence, and whether it was recorded just now.</summary>
public sealed record AlertDecision(AlertRaised Alert, long Sequence, bool IsNew);

/// <summary>
/// The rule every ledger applies, whatever it stores in: one alert per subscription and story
/// (<c>&lt;sub&gt;:&lt;story&gt;</c>), then an update (<c>&lt;sub&gt;:&lt;story&gt;:u&lt;n&gt;</c>) only when a version
/// raises the severity above everything alerted so far or adds a topic none of them had. A version decided before
/// (a redelivery) gets its own alert again, so channels not yet served finish.
/// </summary>
public static class AlertUpdatePolicy
{
    /// <summary>The story a candidate belongs to: its story id, or its own article id before the cleaner knew one.</summary>
    public static string StoryOf(AlertRaised candidate) => candidate.StoryId ?? candidate.ArticleId;

    /// <summary>Null when the candidate adds nothing to what the story already alerted.</summary>
    public static AlertDecision? Decide(AlertRaised candidate, IReadOnlyList<StoryAlertRecord> earlier)
    {
        var firstId = $"{candidate.SubscriptionId}:{StoryOf(candidate)}";
        if (earlier.FirstOrDefault(e => e.ArticleId == candidate.ArticleId && e.Version == candidate.Version) is { } same)
        {
            return new AlertDecision(Shape(candidate, same.AlertId, same.Sequence, firstId), same.Sequence, IsNew: false);
        }

        long sequence = 0;
        if (earlier.Count > 0)
        {
            var alertedRank = earlier.Max(e => Severities.Rank(e.Severity));
            var alertedTopics = earlier.SelectMany(e => e.Topics).ToHashSet(StringComparer.Ordinal);
            var raisesSeverity = Severities.Rank(candidate.Severity) > alertedRank;
            var addsTopic = candidate.Topics.Any(t => !alertedTopics.Contains(t.Topic));
            if (!raisesSeverity && !addsTopic)
            {
                return null;
            }

            sequence = earlier.Max(e => e.Sequence) + 1;
        }

        var alertId = sequence == 0 ? firstId : $"{firstId}:u{sequence}";
        return new AlertDecision(Shape(candidate, alertId, sequence, firstId), sequence, IsNew: true);
    }

    /// <summary>Topics as a ledger stores them: ids separated by spaces.</summary>
    public static string FormatTopics(AlertRaised alert) => string.Join(' ', alert.Topics.Select(t => t.Topic));

    public static IReadOnlyList<string> ParseTopics(string topics) => topics.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static AlertRaised Shape(AlertRaised candidate, string alertId, long sequence, string firstId) => candidate with
    {
        AlertId = alertId,
        IsUpdate = sequence > 0,
        UpdatesAlertId = sequence > 0 ? firstId : null,
    };
}
