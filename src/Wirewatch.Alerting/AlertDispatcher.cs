using MassTransit;
using Microsoft.Extensions.Logging;
using Wirewatch.Alerting.Channels;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// Delivers one alert to each channel of its subscription through the ledger (at most once per channel), disables a
/// channel whose endpoint is gone, and announces every dead-lettered delivery with <see cref="AlertDeliveryFailed"/>.
/// </summary>
public sealed class AlertDispatcher(IAlertLedger ledger, IEnumerable<IAlertChannel> channels, TimeProvider time, AlertMetrics metrics, ILogger<AlertDispatcher> log)
{
    private readonly Dictionary<string, IAlertChannel> _channels = channels.ToDictionary(c => c.Type, StringComparer.Ordinal);

    /// <param name="bus">Where <c>bus</c> channels publish and failures are announced (the consumer's context); null when replaying offline.</param>
    public async Task DispatchAsync(AlertRaised alert, Subscription subscription, IPublishEndpoint? bus, CancellationToken cancellationToken)
    {
        foreach (var channel in subscription.Channels)
        {
            await DeliverAsync(alert, channel, bus, replay: false, cancellationToken);
        }
    }

    public async Task<DeliveryOutcome> DeliverAsync(AlertRaised alert, ChannelDefinition channel, IPublishEndpoint? bus, bool replay, CancellationToken cancellationToken)
    {
        IAlertChannel sender = channel.Type == ChannelTypes.Bus
            ? new BusAlertChannel(bus ?? throw new InvalidOperationException("The bus channel needs a publish endpoint."))
            : _channels[channel.Type];
        ChannelResult? result = null;
        var outcome = await ledger.DeliverOnceAsync(alert, channel.Key, async ct =>
        {
            if (channel.Type != ChannelTypes.Bus && await ledger.IsChannelDisabledAsync(channel.Key, ct))
            {
                result = ChannelResult.Failed("channel-disabled", "the endpoint answered 410 Gone earlier; replay with --enable after fixing it");
                return result;
            }

            result = await sender.DeliverAsync(alert, channel, ct);
            if (result.DisableChannel)
            {
                await ledger.DisableChannelAsync(channel.Key, result.Detail ?? result.Reason ?? "gone", ct);
                metrics.ChannelsDisabled.Add(1, new KeyValuePair<string, object?>("channel", channel.Type));
                log.LogError("Channel {Channel} of subscription {SubscriptionId} disabled: {Detail}", channel.Endpoint, alert.SubscriptionId, result.Detail);
            }

            return result;
        }, cancellationToken, replay);

        var label = outcome switch
        {
            DeliveryOutcome.Delivered => "delivered",
            DeliveryOutcome.Duplicate => "duplicate",
            DeliveryOutcome.InProgress => "in-progress",
            _ when result?.Reason == "channel-disabled" => "disabled",
            _ => "dead-lettered",
        };
        metrics.CountDelivery(channel.Type, label);
        if (outcome == DeliveryOutcome.Delivered)
        {
            log.LogDebug("Alert {AlertId} delivered to {Channel} {Endpoint}", alert.AlertId, channel.Type, channel.Endpoint);
        }
        else if (result is { Success: false } failed)
        {
            // Dead-lettered just now (not an earlier failure seen again): say so where people and services look.
            log.LogWarning("Alert {AlertId} not delivered to {Channel} {Endpoint}: {Reason} ({Detail}); kept for 'wirewatch alerts replay'",
                alert.AlertId, channel.Type, channel.Endpoint, failed.Reason, failed.Detail);
            if (bus is not null)
            {
                await bus.Publish(new AlertDeliveryFailed
                {
                    AlertId = alert.AlertId,
                    SubscriptionId = alert.SubscriptionId,
                    Channel = channel.Type,
                    Endpoint = channel.Endpoint,
                    Reason = failed.Reason ?? "unknown",
                    Detail = failed.Detail,
                    FailedAt = time.GetUtcNow(),
                    Alert = alert,
                }, cancellationToken);
            }
        }

        return outcome;
    }
}
