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

/// <summary><c>AlertRaised</c> on the <c>wirewatch.alerts</c> topic exchange, through the consumer's publish endpoint.</summary>
public sealed class BusAlertChannel(IPublishEndpoint publisher) : IAlertChannel
{
    public string Type => ChannelTypes.Bus;

    public async Task<ChannelResult> DeliverAsync(AlertRaised alert, ChannelDefinition channel, CancellationToken cancellationToken)
    {
        await publisher.Publish(alert, cancellationToken);
        return ChannelResult.Delivered;
    }

    /// <summary>The bus is never throttled: every alert was published on its own.</summary>
    public Task<ChannelResult> DeliverDigestAsync(AlertDigest digest, ChannelDefinition channel, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelResult.Delivered);
}
