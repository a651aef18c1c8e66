using MassTransit;
using Microsoft.Extensions.Logging;
using Wirewatch.Alerting.Channels;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// Throttling per subscription (<c>throttle: { maxPerHour, digestAfter }</c>): up to <c>maxPerHour</c> alerts in any
/// rolling hour go out one by one; past it, alerts for the person-facing channels (webhook, email) are held and sent
/// as one <see cref="AlertDigest"/> once <c>digestAfter</c> are waiting or the hour has room again (checked by
/// <see cref="FlushDueAsync"/> on a timer). The bus channel is never throttled. Held alerts live in memory: a restart
/// sends them nowhere, but they stay on the bus and in the ledger's story records.
/// </summary>
public sealed class SubscriptionThrottle(AlertDispatcher dispatcher, Digests.DigestSender digests, TimeProvider time, ILogger<SubscriptionThrottle> log)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public async Task SendOrHoldAsync(AlertRaised alert, Subscription subscription, IPublishEndpoint? bus, CancellationToken cancellationToken)
    {
        if (subscription.Throttle is not { } throttle)
        {
            await dispatcher.DispatchAsync(alert, subscription, bus, cancellationToken);
            return;
        }

        var bySelf = subscription with { Channels = subscription.Channels.Where(c => c.Type == ChannelTypes.Bus).ToList() };
        await dispatcher.DispatchAsync(alert, bySelf, bus, cancellationToken);

        List<AlertRaised>? digest = null;
        bool send;
        lock (_lock)
        {
            var state = StateOf(subscription.Id);
            var now = time.GetUtcNow();
            state.Sent.RemoveAll(t => t <= now - Window);
            send = state.Sent.Count < throttle.MaxPerHour && state.Held.Count == 0;
            if (send)
            {
                state.Sent.Add(now);
            }
            else if (state.Held.All(h => h.AlertId != alert.AlertId))
            {
                state.Held.Add(alert);
                if (state.Held.Count >= throttle.DigestAfter)
                {
                    digest = Take(state, now);
                }
            }
        }

        if (send)
        {
            var external = subscription with { Channels = subscription.Channels.Where(c => c.Type != ChannelTypes.Bus).ToList() };
            await dispatcher.DispatchAsync(alert, external, bus, cancellationToken);
        }
        else
        {
            AlertMetrics.CountDelivery("throttle", "throttled");
            log.LogInformation("Alert {AlertId} held for a digest: {SubscriptionId} reached {MaxPerHour} alerts this hour", alert.AlertId, subscription.Id, throttle.MaxPerHour);
        }

        if (digest is not null)
        {
            await SendDigestAsync(subscription, digest, cancellationToken);
        }
    }

    /// <summary>Sends the held alerts of every subscription whose hour has room again. Called on a timer.</summary>
    public async Task FlushDueAsync(IEnumerable<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        foreach (var subscription in subscriptions)
        {
            List<AlertRaised>? digest = null;
            lock (_lock)
            {
                if (subscription.Throttle is { } throttle && _states.TryGetValue(subscription.Id, out var state) && state.Held.Count > 0)
                {
                    var now = time.GetUtcNow();
                    state.Sent.RemoveAll(t => t <= now - Window);
                    if (state.Sent.Count < throttle.MaxPerHour)
                    {
                        digest = Take(state, now);
                    }
                }
            }

            if (digest is not null)
            {
                await SendDigestAsync(subscription, digest, cancellationToken);
            }
        }
    }

    /// <summary>How many alerts of a subscription are waiting for a digest.</summary>
    public int HeldCount(string subscriptionId)
    {
        lock (_lock)
        {
            return _states.TryGetValue(subscriptionId, out var state) ? state.Held.Count : 0;
        }
    }

    private static List<AlertRaised> Take(State state, DateTimeOffset now)
    {
        var held = state.Held.ToList();
        state.Held.Clear();
        state.Sent.Add(now); // A digest counts as one message against the hour.
        return held;
    }

    private async Task SendDigestAsync(Subscription subscription, List<AlertRaised> alerts, CancellationToken cancellationToken)
    {
        var digest = new AlertDigest
        {
            DigestId = $"{subscription.Id}:digest:{alerts[0].AlertId}",
            SubscriptionId = subscription.Id,
            Alerts = alerts,
            ProducedAt = time.GetUtcNow(),
        };
        await digests.SendAsync(subscription, digest, cancellationToken);
    }

    private State StateOf(string subscriptionId)
    {
        if (!_states.TryGetValue(subscriptionId, out var state))
        {
            _states[subscriptionId] = state = new State();
        }

        return state;
    }

    private sealed class State
    {
        public List<DateTimeOffset> Sent { get; } = [];
        public List<AlertRaised> Held { get; } = [];
    }
}
