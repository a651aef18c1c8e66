using System.Diagnostics.Metrics;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>The alerter's instruments on the <c>Wirewatch</c> meter (<see cref="WireTelemetry.Name"/>), from the host's <see cref="IMeterFactory"/>. Their names are stable: dashboards use them (docs/alerting.md).</summary>
public sealed class AlertMetrics
{
    /// <summary>The instruments on the meter of <paramref name="meters"/> (the host's, so tests and hosts own their lifetime).</summary>
    public AlertMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(WireTelemetry.Name);
        Raised = meter.CreateCounter<long>("wirewatch.alerts.raised", "{alert}", "Alerts raised (first alerts and updates of a story).");
        Delivered = meter.CreateCounter<long>("wirewatch.alerts.delivered", "{delivery}", "Alert deliveries by channel and outcome.");
        ChannelsDisabled = meter.CreateCounter<long>("wirewatch.alerts.channels_disabled", "{channel}", "Channels disabled after 410 Gone.");
        Digests = meter.CreateCounter<long>("wirewatch.alerts.digests", "{digest}", "Digests of throttled alerts.");
        SubscriptionReloads = meter.CreateCounter<long>("wirewatch.alerts.subscription_reloads", "{reload}", "Changes of subscriptions.json applied or refused.");
    }

    /// <summary>Alerts decided by the ledger, tagged <c>severity</c> and <c>kind</c> (<c>alert</c>, <c>update</c>).</summary>
    public Counter<long> Raised { get; }

    /// <summary>
    /// One per alert and channel, tagged <c>channel</c> (<c>bus</c>, <c>webhook</c>, <c>email</c>) and <c>outcome</c>
    /// (<c>delivered</c>, <c>duplicate</c>, <c>in-progress</c>, <c>dead-lettered</c>, <c>disabled</c>, <c>throttled</c>).
    /// </summary>
    public Counter<long> Delivered { get; }

    /// <summary>Channels switched off because their endpoint answered 410 Gone, tagged <c>channel</c>.</summary>
    public Counter<long> ChannelsDisabled { get; }

    /// <summary>Digests sent for throttled subscriptions, tagged <c>channel</c>.</summary>
    public Counter<long> Digests { get; }

    /// <summary>Changes of <c>subscriptions.json</c>, tagged <c>outcome</c>: <c>ok</c> or <c>invalid</c> (the set in force stays).</summary>
    public Counter<long> SubscriptionReloads { get; }

    public void CountDelivery(string channel, string outcome) =>
        Delivered.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));
}
