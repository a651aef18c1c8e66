using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// The alerter's memory, shared by every replica: which alerts each story raised (one per subscription and story,
/// plus its updates) and which channel received which alert. Unique constraints do the work, so a redelivered message,
/// a restarted alerter or two replicas racing never send the same alert twice to a channel. Implemented in
/// Wirewatch.State (SQLite by default, PostgreSQL for replicas); what an alert means is <see cref="AlertUpdatePolicy"/>'s call.
/// </summary>
public interface IAlertLedger
{
    /// <summary>
    /// Records what <paramref name="candidate"/> (a match of one article version) means for its story and returns the
    /// alert to deliver: the story's first alert (<c>&lt;sub&gt;:&lt;story&gt;</c>); an update
    /// (<c>&lt;sub&gt;:&lt;story&gt;:u&lt;n&gt;</c>) when it raises the severity or adds a topic; the same alert again
    /// when this article version was recorded before (a redelivery: channels already served are skipped by
    /// <see cref="DeliverOnceAsync"/>); or null when it adds nothing to what was already alerted.
    /// </summary>
    Task<RaisedAlert?> RaiseAsync(AlertRaised candidate, CancellationToken cancellationToken);

    /// <summary>
    /// Claims (<paramref name="alert"/>, <paramref name="channel"/>), runs <paramref name="deliver"/> and records its
    /// result: delivered, or dead-lettered with the alert kept for replay. When <paramref name="deliver"/> throws, the
    /// claim is released (nothing recorded) so the next attempt delivers. A claim older than the lease is taken over,
    /// so a replica that died mid-delivery does not hold an alert forever. <paramref name="replay"/> also claims
    /// dead-lettered deliveries.
    /// </summary>
    Task<DeliveryOutcome> DeliverOnceAsync(AlertRaised alert, string channel, Func<CancellationToken, Task<ChannelResult>> deliver, CancellationToken cancellationToken, bool replay = false);

    /// <summary>
    /// Claims older than the lease, or (where the store tracks its holders) held by an alerter no longer alive: deliveries whose process died between claiming and recording (killed mid-send,
    /// before or after the endpoint got it). The message that started them was acknowledged by the replica that saw the
    /// live claim, so nothing else brings them back: <see cref="AbandonedClaimSweeper"/> delivers them again.
    /// </summary>
    Task<IReadOnlyList<AbandonedClaim>> AbandonedClaimsAsync(CancellationToken cancellationToken);

    /// <summary>Dead-lettered deliveries, oldest first; <paramref name="alertId"/> narrows to one alert.</summary>
    Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? alertId, CancellationToken cancellationToken);

    /// <summary>Stops deliveries to a channel (its endpoint answered 410 Gone) until an operator enables it again.</summary>
    Task DisableChannelAsync(string channel, string reason, CancellationToken cancellationToken);

    Task<bool> IsChannelDisabledAsync(string channel, CancellationToken cancellationToken);

    /// <summary>Enables a disabled channel (for <c>wirewatch alerts replay --enable</c>); false when it was not disabled.</summary>
    Task<bool> EnableChannelAsync(string channel, CancellationToken cancellationToken);
}

/// <param name="IsNew">False when this article version raised the alert before (a redelivered message).</param>
public sealed record RaisedAlert(AlertRaised Alert, bool IsNew);

/// <summary>What a channel made of one alert.</summary>
public sealed record ChannelResult
{
    public static ChannelResult Delivered { get; } = new() { Success = true };

    public bool Success { get; private init; }

    /// <summary>Why it failed: <c>retries-exhausted</c>, <c>rejected</c>, <c>gone</c>, <c>circuit-open</c>, <c>channel-disabled</c>.</summary>
    public string? Reason { get; private init; }

    public string? Detail { get; private init; }

    /// <summary>The endpoint said it is gone for good (HTTP 410): stop sending to it.</summary>
    public bool DisableChannel { get; private init; }

    public static ChannelResult Failed(string reason, string? detail = null, bool disableChannel = false) =>
        new() { Success = false, Reason = reason, Detail = detail, DisableChannel = disableChannel };
}

public enum DeliveryOutcome
{
    /// <summary>Sent now.</summary>
    Delivered,

    /// <summary>This channel already received this alert.</summary>
    Duplicate,

    /// <summary>
    /// Another copy of the message (another replica) held a live claim for the whole wait: it is still delivering, or it
    /// died and the claim is delivered by <see cref="AbandonedClaimSweeper"/> once the lease has passed.
    /// </summary>
    InProgress,

    /// <summary>Delivery failed for good; the alert waits in the dead-letter store for replay.</summary>
    DeadLettered,
}

/// <summary>A delivery claimed by a process that never finished it.</summary>
public sealed record AbandonedClaim(AlertRaised Alert, string Channel, DateTimeOffset ClaimedAt);

/// <summary><c>Wirewatch:Alerts:ClaimLease</c> and <c>Wirewatch:Alerts:InProgressWait</c>.</summary>
public sealed class AlertLedgerOptions
{
    public const string Section = "Wirewatch:Alerts";

    /// <summary>
    /// How long a claim protects a delivery in progress before another process may take it over: longer than any
    /// channel's whole retry budget (the webhook's <c>TotalTimeout</c>, 2 min by default), or a slow live delivery
    /// would be sent twice.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan DefaultInProgressWait = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long a delivery that finds another's live claim waits for that delivery to be recorded or released before it
    /// gives up (<see cref="DeliveryOutcome.InProgress"/>): a little over the webhook's whole retry budget, well under
    /// RabbitMQ's <c>consumer_timeout</c>.
    /// </summary>
    public TimeSpan InProgressWait { get; set; } = DefaultInProgressWait;

    /// <summary>How often an alerter looks for replays requested in the console (<see cref="IReplayRequestStore"/>).</summary>
    public TimeSpan ReplayPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>An alert that one channel did not receive, kept for <c>wirewatch alerts replay</c>.</summary>
public sealed record DeadLetter(AlertRaised Alert, string Channel, string Reason, string? Detail, DateTimeOffset FailedAt);

public static class Severities
{
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";

    /// <summary>low 0, medium 1, high 2: an update is sent only when the rank rises.</summary>
    public static int Rank(string severity) => severity switch
    {
        High => 2,
        Medium => 1,
        _ => 0,
    };
}
