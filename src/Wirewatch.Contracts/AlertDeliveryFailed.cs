namespace Wirewatch.Contracts;

/// <summary>
/// An alert could not be delivered to one of its channels (retries spent, endpoint gone, channel disabled). The alert
/// is kept in the dead-letter store for <c>wirewatch alerts replay</c>. Published to <c>wirewatch.alerts.failed</c>.
/// </summary>
public sealed record AlertDeliveryFailed
{
    public required string AlertId { get; init; }
    public required string SubscriptionId { get; init; }

    /// <summary><c>webhook</c>, <c>email</c>, <c>slack</c> or <c>teams</c>.</summary>
    public required string Channel { get; init; }

    /// <summary>Where it was going: the webhook URL, the recipients, or a chat channel's redacted URL. Never a secret.</summary>
    public required string Endpoint { get; init; }

    /// <summary><c>retries-exhausted</c>, <c>rejected</c> (a 4xx other than 408/429), <c>gone</c> (410), <c>channel-disabled</c>, <c>circuit-open</c>.</summary>
    public required string Reason { get; init; }

    public string? Detail { get; init; }
    public required DateTimeOffset FailedAt { get; init; }

    /// <summary>The alert itself, so a downstream service can act on the failure without asking.</summary>
    public required AlertRaised Alert { get; init; }
}
