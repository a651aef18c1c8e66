namespace Wirewatch.Contracts;

/// <summary>
/// Alerts of a throttled subscription, batched: sent to its webhook and email channels instead of one message per
/// alert once the subscription's <c>maxPerHour</c> is reached. (The bus channel is never throttled.)
/// </summary>
public sealed record AlertDigest
{
    /// <summary><c>&lt;subscription&gt;:digest:&lt;first alert id&gt;</c>; receivers de-duplicate on it.</summary>
    public required string DigestId { get; init; }

    public required string SubscriptionId { get; init; }
    public required IReadOnlyList<AlertRaised> Alerts { get; init; }
    public required DateTimeOffset ProducedAt { get; init; }
}
