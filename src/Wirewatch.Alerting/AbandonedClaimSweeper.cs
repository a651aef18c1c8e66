using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Wirewatch.Alerting;

/// <summary>
/// Finishes the deliveries a dead alerter left claimed, whichever replica runs it. An alerter killed between claiming a delivery and recording it
/// leaves a claim that protects it for the lease; the replacement that gets the message again sees that claim, counts
/// the delivery as in progress and acknowledges the message. Without this sweep the delivery would never be made when
/// the process died before sending, and never recorded when it died after. Once the lease has passed, each abandoned
/// claim is taken over and delivered again through the ledger, under the same alert id (webhook-id, Message-ID,
/// AMQP message-id): at-least-once, with a key the receiver de-duplicates on. Scheduled digests a dead alerter closed
/// and never sent are sent the same way (<see cref="Digests.ScheduledDigests.SendAbandonedAsync"/>), under their digest id.
/// </summary>
public sealed class AbandonedClaimSweeper(
    IAlertLedger ledger,
    SubscriptionCatalog catalog,
    AlertDispatcher dispatcher,
    Digests.ScheduledDigests digests,
    IBus bus,
    IOptions<AlertLedgerOptions> options,
    TimeProvider time,
    ILogger<AbandonedClaimSweeper> log) : BackgroundService
{
    /// <summary>Delivers every abandoned claim once; returns how many were taken over.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var taken = 0;
        foreach (var claim in await ledger.AbandonedClaimsAsync(cancellationToken))
        {
            var channel = catalog.Subscriptions.FirstOrDefault(s => s.Id == claim.Alert.SubscriptionId)?.Channels.FirstOrDefault(c => c.Key == claim.Channel);
            if (channel is null)
            {
                log.LogWarning("Alert {AlertId} was left claimed for {Channel}, which no subscription has any more: not delivered", claim.Alert.AlertId, claim.Channel);
                continue;
            }

            log.LogWarning("Alert {AlertId} was claimed for {Channel} at {ClaimedAt} and never recorded (its alerter died): delivering it again under the same id",
                claim.Alert.AlertId, channel.Endpoint, claim.ClaimedAt);
            try
            {
                await dispatcher.DeliverAsync(claim.Alert, channel, bus, replay: false, cancellationToken);
                taken++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Released by the ledger: the next sweep (or a redelivered message) tries again.
                log.LogWarning(e, "Alert {AlertId}: delivering the abandoned claim for {Channel} failed; next sweep tries again", claim.Alert.AlertId, channel.Endpoint);
            }
        }

        return taken;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Half the lease, between 1 s and 5 s: a store that knows its holders are dead (PostgreSQL's liveness rows)
        // reports their claims within seconds; otherwise a claim is abandoned once its lease has passed.
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.ClaimLease.Ticks / 2, TimeSpan.TicksPerSecond, 5 * TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
                await digests.SendAbandonedAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store is away (a database restart): the claims wait for the next tick. Letting this escape would
                // stop the whole alerter host, and with it every delivery.
                log.LogWarning(e, "Sweeping abandoned claims failed; the next sweep tries again");
            }
        }
    }
}
