namespace Wirewatch.Contracts;

/// <summary>
/// Alerts batched into one message for the channels other than the bus: those of a throttled subscription past its
/// <c>maxPerHour</c>, or those of a scheduled digest's period. (The bus gets every alert on its own.)
/// </summary>
public sealed record AlertDigest
{
    /// <summary><c>&lt;subscription&gt;:digest:&lt;first alert id&gt;</c> (throttle) or <c>&lt;subscription&gt;:digest:&lt;period end, yyyyMMddTHHmmZ&gt;</c>
    /// (scheduled); receivers de-duplicate on it.</summary>
    public required string DigestId { get; init; }

    public required string SubscriptionId { get; init; }
    public required IReadOnlyList<AlertRaised> Alerts { get; init; }
    public required DateTimeOffset ProducedAt { get; init; }
}
