using MassTransit;
using Microsoft.Extensions.Logging;
using Wirewatch.Alerting.Channels;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// Throttling per subscription (<c>throttle: { maxPerHour, digestAfter }</c>): up to <c>maxPerHour</c> alerts in any
/// rolling hour go out one by one; past it, alerts for the person-facing channels (webhook, email) are held and sent
/// as one <see cref="AlertDigest"/> once <c>digestAfter</c> are waiting or the hour has room again (checked by
/// <see cref="FlushDueAsync"/> on a timer). The bus channel is never throttled. The rules are
/// <see cref="ThrottlePolicy"/>'s; sends and held alerts live in the <see cref="IThrottleStore"/>, shared by replicas and
/// kept across a restart.
/// </summary>
public sealed class SubscriptionThrottle(AlertDispatcher dispatcher, Digests.DigestSender digests, IThrottleStore store, TimeProvider time, AlertMetrics metrics, ILogger<SubscriptionThrottle> log)
{
    public async Task SendOrHoldAsync(AlertRaised alert, Subscription subscription, IPublishEndpoint? bus, CancellationToken cancellationToken)
    {
        if (subscription.Throttle is not { } throttle)
        {
            await dispatcher.DispatchAsync(alert, subscription, bus, cancellationToken);
            return;
        }

        var bySelf = subscription with { Channels = subscription.Channels.Where(c => c.Type == ChannelTypes.Bus).ToList() };
        await dispatcher.DispatchAsync(alert, bySelf, bus, cancellationToken);

        var now = time.GetUtcNow();
        var (change, taken) = await store.UpdateAsync(subscription.Id, now - ThrottlePolicy.Window,
            window => ThrottlePolicy.OnAlert(window, alert, throttle, now), cancellationToken);
        if (change.Send)
        {
            var external = subscription with { Channels = subscription.Channels.Where(c => c.Type != ChannelTypes.Bus).ToList() };
            await dispatcher.DispatchAsync(alert, external, bus, cancellationToken);
        }
        else
        {
            metrics.CountDelivery("throttle", "throttled");
            log.LogDebug("Alert {AlertId} held for a digest: {SubscriptionId} reached {MaxPerHour} alerts this hour", alert.AlertId, subscription.Id, throttle.MaxPerHour);
        }

        if (taken.Count > 0)
        {
            await SendDigestAsync(subscription, taken, cancellationToken);
        }
    }

    /// <summary>Sends the held alerts of every subscription whose hour has room again. Called on a timer.</summary>
    public async Task FlushDueAsync(IEnumerable<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        foreach (var subscription in subscriptions)
        {
            if (subscription.Throttle is not { } throttle)
            {
                continue;
            }

            var now = time.GetUtcNow();
            var (_, taken) = await store.UpdateAsync(subscription.Id, now - ThrottlePolicy.Window,
                window => ThrottlePolicy.OnFlush(window, throttle, now), cancellationToken);
            if (taken.Count > 0)
            {
                await SendDigestAsync(subscription, taken, cancellationToken);
            }
        }
    }

    /// <summary>How many alerts of a subscription are waiting for a digest.</summary>
    public Task<int> HeldCountAsync(string subscriptionId, CancellationToken cancellationToken) => store.HeldCountAsync(subscriptionId, cancellationToken);

    private async Task SendDigestAsync(Subscription subscription, IReadOnlyList<AlertRaised> alerts, CancellationToken cancellationToken)
    {
        var digest = new AlertDigest
        {
            DigestId = $"{subscription.Id}:digest:{alerts[0].AlertId}",
            SubscriptionId = subscription.Id,
            Alerts = alerts.ToList(),
            ProducedAt = time.GetUtcNow(),
        };
        await digests.SendAsync(subscription, digest, cancellationToken);
    }
}
