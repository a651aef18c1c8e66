namespace Wirewatch.Contracts;

/// <summary>
/// An article matched a subscription. Published to the <c>wirewatch.alerts</c> topic exchange with the routing key
/// <c>&lt;top topic&gt;.&lt;severity&gt;</c> (see <see cref="AlertRouting"/>).
/// </summary>
public sealed record AlertRaised
{
    /// <summary>
    /// Idempotency key, one per subscription and story: <c>&lt;subscription&gt;:&lt;story&gt;</c> for the first alert,
    /// <c>&lt;subscription&gt;:&lt;story&gt;:u&lt;n&gt;</c> for its n-th update. Receivers de-duplicate on it.
    /// </summary>
    public required string AlertId { get; init; }

    public required string SubscriptionId { get; init; }

    /// <summary><c>high</c>, <c>medium</c> or <c>low</c>.</summary>
    public required string Severity { get; init; }

    /// <summary>The subscribed topics that matched, highest score first; the first one routes the alert.</summary>
    public required IReadOnlyList<AlertTopic> Topics { get; init; }

    public required string Headline { get; init; }
    public required string Url { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public string? Summary { get; init; }
    public Dateline? Dateline { get; init; }

    /// <summary>Why it fired: the terms and sentences behind each matched topic.</summary>
    public required IReadOnlyList<AlertEvidence> Evidence { get; init; }

    /// <summary>True when this alert updates an earlier alert of the same story (see <see cref="UpdatesAlertId"/>).</summary>
    public required bool IsUpdate { get; init; }

    public required string ArticleId { get; init; }
    public required int Version { get; init; }
    public string? StoryId { get; init; }
    public required string SourceId { get; init; }
    public required DateTimeOffset ProducedAt { get; init; }

    /// <summary>For an update: the id of the story's first alert, which it refers to (and threads onto, by email).</summary>
    public string? UpdatesAlertId { get; init; }

    /// <summary>The article's wire flags, e.g. <c>URGENT</c>, <c>LEAD</c>.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
}

public sealed record AlertTopic
{
    public required string Topic { get; init; }
    public required double Score { get; init; }
}

public sealed record AlertEvidence
{
    public required string Topic { get; init; }
    public required string Term { get; init; }
    public required int Count { get; init; }
    public required string Snippet { get; init; }
}

public static class AlertRouting
{
    /// <summary>The routing key on <c>wirewatch.alerts</c>: the top topic and the severity, e.g. <c>sanctions.high</c>.</summary>
    public static string KeyFor(AlertRaised alert) =>
        $"{(alert.Topics.Count > 0 ? alert.Topics[0].Topic : "none")}.{alert.Severity}";

    /// <summary>
    /// The headers <c>wirewatch.alerts.by-subscription</c> routes on: <c>wirewatch-subscription</c>,
    /// <c>wirewatch-severity</c>, and <c>wirewatch-topic-&lt;topic&gt;</c> = <c>true</c> for every matched topic.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> HeadersFor(AlertRaised alert) =>
    [
        new(WireHeaders.Subscription, alert.SubscriptionId),
        new(WireHeaders.Severity, alert.Severity),
        .. alert.Topics.Select(t => t.Topic).Distinct(StringComparer.Ordinal)
            .Select(topic => new KeyValuePair<string, string>(WireHeaders.TopicPrefix + topic, WireHeaders.TopicMatched)),
    ];
}
