using MassTransit;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// <c>wirewatch alerts replay</c>: delivers dead-lettered alerts again through the same channels and ledger (so a
/// replay never doubles an alert that got through meanwhile). The channel definition (URL, secret) is read from the
/// current subscriptions, so a fixed URL or rotated secret applies.
/// </summary>
public sealed class AlertReplayer(IAlertLedger ledger, AlertDispatcher dispatcher, SubscriptionCatalog catalog)
{
    /// <param name="bus">Where a dead-lettered <c>bus</c> channel publishes again (a running alerter's bus); null offline, where such a channel fails.</param>
    public async Task<IReadOnlyList<ReplayResult>> ReplayAsync(string? alertId, bool enableChannels, CancellationToken cancellationToken, IPublishEndpoint? bus = null)
    {
        var results = new List<ReplayResult>();
        foreach (var letter in await ledger.DeadLettersAsync(alertId, cancellationToken))
        {
            var channel = catalog.Subscriptions.FirstOrDefault(s => s.Id == letter.Alert.SubscriptionId)?.Channels.FirstOrDefault(c => c.Key == letter.Channel);
            if (channel is null)
            {
                results.Add(new ReplayResult(letter.Alert.AlertId, letter.Channel, "skipped", "the subscription or channel is no longer configured"));
                continue;
            }

            if (enableChannels)
            {
                await ledger.EnableChannelAsync(channel.Key, cancellationToken);
            }

            var outcome = await dispatcher.DeliverAsync(letter.Alert, channel, bus, replay: true, cancellationToken);
            results.Add(new ReplayResult(letter.Alert.AlertId, letter.Channel, outcome switch
            {
                DeliveryOutcome.Delivered => "delivered",
                DeliveryOutcome.Duplicate => "duplicate",
                DeliveryOutcome.InProgress => "in-progress",
                _ => "dead-lettered",
            }, outcome == DeliveryOutcome.DeadLettered ? letter.Reason : null));
        }

        return results;
    }
}

/// <param name="Outcome"><c>delivered</c>, <c>dead-lettered</c> (still failing), <c>duplicate</c>, <c>in-progress</c> or <c>skipped</c>.</param>
public sealed record ReplayResult(string AlertId, string Channel, string Outcome, string? Detail);
