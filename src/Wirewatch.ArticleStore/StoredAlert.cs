using Wirewatch.Contracts;

namespace Wirewatch.ArticleStore;

/// <summary>An alert and what each of its channels did with it.</summary>
public sealed record StoredAlert(AlertRaised Alert, DateTimeOffset RecordedAt, IReadOnlyList<ChannelDelivery> Channels);

/// <param name="State">
/// <c>delivered</c> (first attempt), <c>retried</c> (an attempt failed and another was made: delivered since, or still
/// being retried), <c>dead-lettered</c> (failed for good; an operator may replay it), <c>in-progress</c> (first attempt
/// being sent).
/// </param>
/// <param name="Attempts">How many times the alerter tried this channel (a redelivered message, a replay, a taken-over claim).</param>
/// <param name="Outcome">The ledger's last word on it: <c>delivered</c>, <c>dead</c>, <c>claimed</c> (being sent) or <c>failed</c> (an attempt threw; the message is delivered again).</param>
public sealed record ChannelDelivery(string Channel, string State, string? Reason, string? Detail, DateTimeOffset? At, int Attempts, string Outcome)
{
    public const string Delivered = "delivered", Retried = "retried", DeadLettered = "dead-lettered", InProgress = "in-progress";

    /// <summary>A ledger row as the console shows it.</summary>
    public static ChannelDelivery Of(string channel, string ledgerState, int attempts, string? reason, string? detail, DateTimeOffset? at) =>
        new(channel, StateOf(ledgerState, attempts), reason, detail, at, attempts, ledgerState);

    /// <summary>
    /// The console's word for a ledger state (<c>dead</c>, <c>claimed</c>, <c>failed</c>, <c>delivered</c>) after
    /// <paramref name="attempts"/>: a dead letter stays dead-lettered however often it was tried; anything else tried
    /// more than once, or whose attempt failed, was retried.
    /// </summary>
    public static string StateOf(string ledgerState, int attempts) => ledgerState switch
    {
        "dead" => DeadLettered,
        "failed" => Retried,
        _ when attempts > 1 => Retried,
        "claimed" => InProgress,
        var other => other,
    };

    /// <summary>What happened, in words: "delivered on attempt 2", "attempt 1 failed: ...".</summary>
    public string Summary => (State, Outcome) switch
    {
        (Retried, "delivered") => $"delivered on attempt {Attempts}",
        (Retried, "claimed") => $"attempt {Attempts} in progress",
        (Retried, "failed") => $"attempt {Attempts} failed ({Detail ?? Reason}); the alerter tries again",
        (DeadLettered, _) when Attempts > 1 => $"{Reason} after {Attempts} attempts",
        _ => Reason ?? "",
    };
}
