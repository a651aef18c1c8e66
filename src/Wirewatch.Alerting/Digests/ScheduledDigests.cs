using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Quartz;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Digests;

/// <summary>
/// Subscriptions with <c>"digest": {"cron","timeZone"}</c>: each alert goes to the bus at once and waits in the
/// <see cref="IDigestStore"/>; at each fire time of the cron (in the time zone) the alerts of the period since the last
/// one go out as one <see cref="AlertDigest"/> to the other channels. <see cref="RunDueAsync"/> is the whole decision,
/// driven by the Quartz trigger and once at start, so fires missed while the alerter was down are caught up with one
/// digest (not one per missed fire). A digest is claimed by the alerter that closes it; one closed but not sent (its
/// alerter died in between) is sent with its id by the alerter that claims it next (<see cref="IDigestStore.ClaimUnsentAsync"/>):
/// one alerter sends each digest, however many run.
/// </summary>
public sealed class ScheduledDigests(
    SubscriptionCatalog catalog, IDigestStore store, DigestSender sender, AlertDispatcher dispatcher, TimeProvider time, AlertMetrics metrics, ILogger<ScheduledDigests> log)
{
    /// <summary>The bus gets the alert now; the other channels get it in the next digest.</summary>
    public async Task HoldAsync(AlertRaised alert, Subscription subscription, IPublishEndpoint? bus, CancellationToken cancellationToken)
    {
        var bySelf = subscription with { Channels = subscription.Channels.Where(c => c.Type == ChannelTypes.Bus).ToList() };
        await dispatcher.DispatchAsync(alert, bySelf, bus, cancellationToken);
        await store.RecordAsync(alert, time.GetUtcNow(), cancellationToken);
        metrics.CountDelivery("digest", "held");
    }

    // One pass at a time in this process (the Quartz job and the sweep of abandoned digests): a digest this alerter
    // holds is handed to each of its passes, so two at once would send it twice.
    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>Sends every digest that is due now, and every closed one left unsent that this alerter may claim; returns how many were sent.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            return await SendClaimedAsync(cancellationToken) + await CloseDueAsync(cancellationToken);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>
    /// Sends the digests closed but left unsent by an alerter that died (or by a send of this one that failed), once
    /// this alerter can claim them (<see cref="IDigestStore.ClaimUnsentAsync"/>); returns how many were sent. Run by the
    /// sweep of abandoned claims, so a dead alerter's digest goes out within seconds, not at the next fire.
    /// </summary>
    public async Task<int> SendAbandonedAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            return await SendClaimedAsync(cancellationToken);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<int> SendClaimedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sent = 0;
        foreach (var unsent in await store.ClaimUnsentAsync(cancellationToken))
        {
            if (catalog.Subscriptions.FirstOrDefault(s => s.Id == unsent.SubscriptionId) is { } subscription)
            {
                await SendAsync(subscription, unsent, now, cancellationToken);
                sent++;
            }
        }

        return sent;
    }

    private async Task<int> CloseDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sent = 0;
        foreach (var subscription in catalog.Subscriptions.Where(s => s.Digest is not null))
        {
            var last = await store.LastPeriodEndAsync(subscription.Id, now, cancellationToken);
            if (LatestFireBetween(subscription.Digest!, last, now) is not { } due)
            {
                continue;
            }

            var digestId = $"{subscription.Id}:digest:{due.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}";
            var digest = await store.CloseAsync(subscription.Id, due, digestId, cancellationToken);
            if (digest is null)
            {
                log.LogInformation("Digest of {SubscriptionId} for the period ending {PeriodEnd}: no alerts, or closed by another alerter; nothing sent", subscription.Id, due);
                continue;
            }

            await SendAsync(subscription, digest, now, cancellationToken);
            sent++;
        }

        return sent;
    }

    /// <summary>The last fire time of the cron after <paramref name="after"/> and not after <paramref name="now"/>, if any.</summary>
    public static DateTimeOffset? LatestFireBetween(DigestDefinition digest, DateTimeOffset after, DateTimeOffset now)
    {
        var cron = new CronExpression(digest.Cron) { TimeZone = digest.Zone };
        // Quartz finds fire times forwards only. Walking every fire since `after` would loop 31 million times for a
        // per-second cron after a year's downtime, so the range is searched backwards from now in windows that double
        // (a day, then two, four, ...): the first window holding a fire gives the latest one. A weekly or monthly cron
        // whose fire came more than a day before now is found too, in the window that reaches back to it.
        var window = TimeSpan.FromDays(1);
        for (var end = now; end > after; window *= 2)
        {
            var start = end - after > window ? end - window : after;
            DateTimeOffset? latest = null;
            for (var next = cron.GetTimeAfter(start); next is { } fire && fire <= end; next = cron.GetTimeAfter(fire))
            {
                latest = fire;
            }

            if (latest is not null)
            {
                return latest;
            }

            end = start;
        }

        return null;
    }

    private async Task SendAsync(Subscription subscription, ScheduledDigest digest, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await sender.SendAsync(subscription, new AlertDigest
        {
            DigestId = digest.DigestId,
            SubscriptionId = subscription.Id,
            Alerts = digest.Alerts,
            ProducedAt = now,
        }, cancellationToken);
        await store.MarkSentAsync(digest.DigestId, now, cancellationToken);
        log.LogInformation("Digest {DigestId}: {Count} alert(s) of {SubscriptionId} up to {PeriodEnd}", digest.DigestId, digest.Alerts.Count, subscription.Id, digest.PeriodEnd);
    }
}

/// <summary>The Quartz job behind every digest trigger (and the catch-up at start): <see cref="ScheduledDigests.RunDueAsync"/>.</summary>
[DisallowConcurrentExecution]
public sealed class ScheduledDigestJob(ScheduledDigests digests) : IJob
{
    public static readonly JobKey Key = new("scheduled-digests", "wirewatch-alerts");

    public Task Execute(IJobExecutionContext context) => digests.RunDueAsync(context.CancellationToken);
}
