using MassTransit;
using Microsoft.Extensions.Logging;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// The alerter's one code path: match a classified article against every subscription, let the ledger decide
/// (one alert per story; an update only when it raises the severity or adds a topic), pass the throttle, deliver.
/// </summary>
public sealed class Alerter(
    SubscriptionCatalog catalog,
    SubscriptionMatcher matcher,
    IAlertLedger ledger,
    SubscriptionThrottle throttle,
    Digests.ScheduledDigests digests,
    TimeProvider time,
    AlertMetrics metrics,
    ILogger<Alerter> log,
    IEnumerable<IAlertObserver> observers)
{
    public async Task HandleAsync(ArticleClassified article, IPublishEndpoint bus, CancellationToken cancellationToken)
    {
        var alerted = new List<string>();
        foreach (var subscription in catalog.Subscriptions)
        {
            var candidate = matcher.Match(article, subscription, time.GetUtcNow());
            if (candidate is null)
            {
                continue;
            }

            var raised = await ledger.RaiseAsync(candidate, cancellationToken);
            if (raised is null)
            {
                log.LogDebug("{ArticleId} v{Version} adds nothing to the alerts of story {StoryId} for {SubscriptionId}",
                    article.ArticleId, article.Version, candidate.StoryId, subscription.Id);
                continue;
            }

            var alert = raised.Alert;
            if (raised.IsNew)
            {
                metrics.Raised.Add(1, new KeyValuePair<string, object?>("severity", alert.Severity), new KeyValuePair<string, object?>("kind", alert.IsUpdate ? "update" : "alert"));
                log.LogDebug("Alert {AlertId} ({Severity}) for {SubscriptionId}: {Headline}", alert.AlertId, alert.Severity, subscription.Id, alert.Headline);
                foreach (var observer in observers)
                {
                    observer.Raised(alert);
                }
            }

            alerted.Add(subscription.Id);
            if (subscription.Digest is not null)
            {
                await digests.HoldAsync(alert, subscription, bus, cancellationToken);
            }
            else
            {
                await throttle.SendOrHoldAsync(alert, subscription, bus, cancellationToken);
            }
        }

        // The trace says which subscriptions this article alerted (one span per article, so one tag for all of them).
        if (alerted.Count > 0)
        {
            System.Diagnostics.Activity.Current?.SetTag("wirewatch.subscription", string.Join(',', alerted));
        }
    }
}
