using Microsoft.Extensions.Logging;
using Wirewatch.Alerting.Channels;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Digests;

/// <summary>Sends one digest to every channel of its subscription but the bus (which had each alert on its own).</summary>
public sealed class DigestSender(IEnumerable<IAlertChannel> channels, AlertMetrics metrics, ILogger<DigestSender> log)
{
    private readonly Dictionary<string, IAlertChannel> _channels = channels.ToDictionary(c => c.Type, StringComparer.Ordinal);

    public async Task SendAsync(Subscription subscription, AlertDigest digest, CancellationToken cancellationToken)
    {
        foreach (var channel in subscription.Channels.Where(c => c.Type != ChannelTypes.Bus))
        {
            var result = await _channels[channel.Type].DeliverDigestAsync(digest, channel, cancellationToken);
            metrics.Digests.Add(1, new KeyValuePair<string, object?>("channel", channel.Type), new KeyValuePair<string, object?>("outcome", result.Success ? "delivered" : "failed"));
            if (!result.Success)
            {
                log.LogWarning("Digest {DigestId} ({Count} alerts) not delivered to {Channel} {Endpoint}: {Reason} ({Detail})",
                    digest.DigestId, digest.Alerts.Count, channel.Type, channel.Endpoint, result.Reason, result.Detail);
            }
        }
    }
}
