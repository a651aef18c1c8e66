using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>A throttled subscription's state as its store keeps it: sends in the rolling hour, and alerts held for a digest (oldest first).</summary>
public sealed record ThrottleWindow(IReadOnlyList<DateTimeOffset> Sent, IReadOnlyList<AlertRaised> Held);

/// <summary>
/// What to record for a subscription, decided from its window: count a send at <see cref="SentAt"/>, hold
/// <see cref="Hold"/>, and/or take every held alert for a digest (<see cref="TakeHeld"/>, which also counts as a send).
/// </summary>
public sealed record ThrottleChange(bool Send, AlertRaised? Hold, bool TakeHeld, DateTimeOffset SentAt)
{
    public static ThrottleChange None(DateTimeOffset now) => new(false, null, false, now);
}

/// <summary>
/// Where a subscription's throttle state lives, shared by every alerter replica and kept across restarts, so nothing
/// held is lost. Implemented in Wirewatch.State; the rules are <see cref="ThrottlePolicy"/>'s.
/// </summary>
public interface IThrottleStore
{
    /// <summary>
    /// Forgets sends before <paramref name="windowStart"/>, hands the subscription's window to <paramref name="decide"/>
    /// and records its change, atomically and one caller per subscription at a time across processes. Returns the
    /// change and the held alerts it took (oldest first; empty unless <see cref="ThrottleChange.TakeHeld"/>).
    /// </summary>
    Task<(ThrottleChange Change, IReadOnlyList<AlertRaised> Taken)> UpdateAsync(
        string subscriptionId, DateTimeOffset windowStart, Func<ThrottleWindow, ThrottleChange> decide, CancellationToken cancellationToken);

    Task<int> HeldCountAsync(string subscriptionId, CancellationToken cancellationToken);
}

/// <summary>
/// The throttle's rules: up to <c>maxPerHour</c> sends in any rolling hour; past it, alerts are held, and sent as one
/// digest once <c>digestAfter</c> wait, or when the hour has room again. A digest counts as one send.
/// </summary>
public static class ThrottlePolicy
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static ThrottleChange OnAlert(ThrottleWindow window, AlertRaised alert, ThrottleDefinition throttle, DateTimeOffset now)
    {
        if (window.Sent.Count < throttle.MaxPerHour && window.Held.Count == 0)
        {
            return new ThrottleChange(Send: true, Hold: null, TakeHeld: false, now);
        }

        if (window.Held.Any(h => h.AlertId == alert.AlertId))
        {
            return ThrottleChange.None(now); // a redelivery of an alert already waiting
        }

        return new ThrottleChange(Send: false, Hold: alert, TakeHeld: window.Held.Count + 1 >= throttle.DigestAfter, now);
    }

    public static ThrottleChange OnFlush(ThrottleWindow window, ThrottleDefinition throttle, DateTimeOffset now) =>
        window.Held.Count > 0 && window.Sent.Count < throttle.MaxPerHour
            ? new ThrottleChange(Send: false, Hold: null, TakeHeld: true, now)
            : ThrottleChange.None(now);
}
