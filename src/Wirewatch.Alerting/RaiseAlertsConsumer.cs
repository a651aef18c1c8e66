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

            var delivered = await ledger.DeliverOnceAsync(alert, async (isUpdate, cancellationToken) =>
            {
                alert = alert with { IsUpdate = isUpdate };
                Activity.Current?.SetTag("wirewatch.subscription", subscription.Id);
                await context.Publish(alert, cancellationToken);
            }, now, context.CancellationToken);
            if (!delivered)
            {
                Alerts.Add(1, new("channel", ChannelTypes.Bus), new("outcome", "duplicate"));
                log.LogInformation("Alert {AlertId} was already delivered; not sending it again", alert.AlertId);
                continue;
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
