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
/// digest (not one per missed fire), and a digest closed but not sent before a stop is sent at start with its id.
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

    /// <summary>Sends every digest that is due now; returns how many were sent.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sent = 0;
        foreach (var unsent in await store.UnsentAsync(cancellationToken))
        {
            if (catalog.Subscriptions.FirstOrDefault(s => s.Id == unsent.SubscriptionId) is { } subscription)
            {
                await SendAsync(subscription, unsent, now, cancellationToken);
                sent++;
            }
        }

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
        DateTimeOffset? due = null;
        // Bounded: a per-second cron after a year's downtime would otherwise loop 31 million times; the latest fire is
        // found by skipping ahead from a day before now once far behind.
        var from = now - after > TimeSpan.FromDays(2) ? now - TimeSpan.FromDays(1) : after;
        for (var next = cron.GetTimeAfter(from); next is { } fire && fire <= now; next = cron.GetTimeAfter(fire))
        {
            due = fire;
        }

        return due;
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
