using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Digests;

/// <summary>
/// Where the alerts of subscriptions with a scheduled digest wait for it, and which digests were made and sent. A
/// restart neither loses an alert (it is recorded before its article is acknowledged) nor doubles a digest (a period
/// is closed once, in one transaction; a digest closed but not yet sent is claimed, and sent with the same id by one alerter).
/// </summary>
public interface IDigestStore
{
    /// <summary>Keeps the alert for its subscription's next digest; a second copy of the same alert id changes nothing.</summary>
    Task RecordAsync(AlertRaised alert, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The end of the subscription's last closed period; the first call records <paramref name="now"/> as it.</summary>
    Task<DateTimeOffset> LastPeriodEndAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Closes the period ending at <paramref name="periodEnd"/>: every waiting alert recorded up to then goes into the
    /// digest <paramref name="digestId"/>, and the period end is remembered. Null when no alert was waiting, or when a
    /// period ending at or after <paramref name="periodEnd"/> was closed already (by another alerter): nothing to send.
    /// Across alerters sharing the store, one caller closes a period; the digest it returns is claimed by this alerter.
    /// </summary>
    Task<ScheduledDigest?> CloseAsync(string subscriptionId, DateTimeOffset periodEnd, string digestId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the digests closed but not marked sent that no other live alerter holds (their closer died, or stopped,
    /// between closing and sending), and returns them: each is now this alerter's to send, so two alerters never send
    /// one digest. Digests this alerter holds already (a send that failed) are returned again. A holder counts as gone
    /// on PostgreSQL once its liveness row (<c>alerter_instances</c>) ages out, in seconds; on SQLite once its claim is
    /// older than <c>ClaimLease</c>.
    /// </summary>
    Task<IReadOnlyList<ScheduledDigest>> ClaimUnsentAsync(CancellationToken cancellationToken);

    Task MarkSentAsync(string digestId, DateTimeOffset at, CancellationToken cancellationToken);
}

public sealed record ScheduledDigest(string DigestId, string SubscriptionId, DateTimeOffset PeriodEnd, IReadOnlyList<AlertRaised> Alerts);
