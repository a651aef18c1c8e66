using MassTransit;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Channels;

/// <summary>
/// Sends one alert to one channel of a subscription. Returns <see cref="ChannelResult.Failed"/> for a failure that
/// retrying now will not cure (the alert is dead-lettered for replay); throws for one the message's redelivery may
/// cure (nothing is recorded).
/// </summary>
public interface IAlertChannel
{
    /// <summary>The <c>type</c> in <c>subscriptions.json</c>.</summary>
    string Type { get; }

    Task<ChannelResult> DeliverAsync(AlertRaised alert, ChannelDefinition channel, CancellationToken cancellationToken);

    /// <summary>Sends the held alerts of a throttled subscription as one message.</summary>
    Task<ChannelResult> DeliverDigestAsync(AlertDigest digest, ChannelDefinition channel, CancellationToken cancellationToken);
}

/// <summary>
/// <c>AlertRaised</c> on the <c>wirewatch.alerts</c> topic exchange, through the consumer's publish endpoint. The AMQP
/// <c>message-id</c> is derived from the alert id, so the one copy a lost confirmation can add (the broker kept the
/// message, the connection died before it said so, the alert is published again) carries the same id as the first:
/// a subscriber de-duplicating on <c>message-id</c> or <c>alertId</c> sees each alert once.
/// </summary>
public sealed class BusAlertChannel(IPublishEndpoint publisher) : IAlertChannel
{
    public string Type => ChannelTypes.Bus;

    public async Task<ChannelResult> DeliverAsync(AlertRaised alert, ChannelDefinition channel, CancellationToken cancellationToken)
    {
        var messageId = MessageIdFor(alert.AlertId);
        await publisher.Publish(alert, context => context.MessageId = messageId, cancellationToken);
        // The same alert once more on wirewatch.alerts.by-subscription, routed by its subscription and every matched
        // topic (not only the top one). Same message id: a service bound to both exchanges sees one alert.
        await publisher.Publish(new AlertRouted(alert), context =>
        {
            context.MessageId = messageId;
            foreach (var (name, value) in AlertRouting.HeadersFor(alert))
            {
                context.Headers.Set(name, value);
            }
        }, cancellationToken);
        return ChannelResult.Delivered;
    }

    /// <summary>A stable GUID per alert id (the first 16 bytes of its SHA-256): the same alert, the same message id.</summary>
    public static Guid MessageIdFor(string alertId) => WireMessageIds.FromKey(alertId);

    /// <summary>The bus is never throttled: every alert was published on its own.</summary>
    public Task<ChannelResult> DeliverDigestAsync(AlertDigest digest, ChannelDefinition channel, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelResult.Delivered);
}
