using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// Queue <c>wirewatch-alerter</c>: matches each classified article against every subscription and publishes one
/// <see cref="AlertRaised"/> per match to <c>wirewatch.alerts</c>, guarded by the alert ledger.
/// </summary>
public sealed class RaiseAlertsConsumer(
    SubscriptionCatalog catalog,
    SubscriptionMatcher matcher,
    IAlertLedger ledger,
    TimeProvider time,
    ILogger<RaiseAlertsConsumer> log) : IConsumer<ArticleClassified>
{
    private static readonly Meter Meter = new("Wirewatch");
    private static readonly Counter<long> Alerts = Meter.CreateCounter<long>("wirewatch.alerts", "{alert}", "Alerts by channel and outcome (delivered, duplicate).");

    /// <summary>
    /// A claim that is pending (never marked delivered) may be taken again, so that a crash between send and mark
    /// cannot lose an alert. Two copies of one classification consumed at the same time (a producer's retry, a
    /// redelivery; up to <c>ConcurrentMessages</c> run at once) would then both claim and both send. Claim, send and
    /// mark of one alert id therefore run one at a time in this process; the second copy finds the alert delivered.
    /// </summary>
    private static readonly SemaphoreSlim[] ClaimGates = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task Consume(ConsumeContext<ArticleClassified> context)
    {
        var article = context.Message;
        foreach (var subscription in catalog.Subscriptions)
        {
            var now = time.GetUtcNow();
            var alert = matcher.Match(article, subscription, now);
            if (alert is null)
            {
                continue;
            }

            var gate = ClaimGates[(alert.AlertId.GetHashCode(StringComparison.Ordinal) & int.MaxValue) % ClaimGates.Length];
            await gate.WaitAsync(context.CancellationToken);
            try
            {
                if (!await ledger.TryClaimAsync(alert.AlertId, subscription.Id, alert.StoryId!, alert.Version, now, context.CancellationToken))
                {
                    Alerts.Add(1, new("channel", ChannelTypes.Bus), new("outcome", "duplicate"));
                    log.LogInformation("Alert {AlertId} was already delivered; not sending it again", alert.AlertId);
                    continue;
                }

                alert = alert with { IsUpdate = await ledger.HasEarlierAlertAsync(subscription.Id, alert.StoryId!, alert.Version, context.CancellationToken) };
                Activity.Current?.SetTag("wirewatch.subscription", subscription.Id);
                await context.Publish(alert, context.CancellationToken);
                await ledger.MarkDeliveredAsync(alert.AlertId, time.GetUtcNow(), context.CancellationToken);
            }
            finally
            {
                gate.Release();
            }

            Alerts.Add(1, new("channel", ChannelTypes.Bus), new("outcome", "delivered"));
            log.LogInformation("Alert {AlertId} ({Severity}) for {SubscriptionId}: {Headline}", alert.AlertId, alert.Severity, subscription.Id, alert.Headline);
        }
    }
}

public sealed class RaiseAlertsConsumerDefinition : ConsumerDefinition<RaiseAlertsConsumer>
{
    public RaiseAlertsConsumerDefinition() => EndpointName = WireNames.AlerterQueue;
}
