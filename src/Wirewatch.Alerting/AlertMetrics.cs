using System.Diagnostics.Metrics;

namespace Wirewatch.Alerting;

/// <summary>The alerter's instruments on the <c>Wirewatch</c> meter. Their names are stable: dashboards use them (docs/alerting.md).</summary>
public static class AlertMetrics
{
    private static readonly Meter Meter = new("Wirewatch");

    /// <summary>Alerts decided by the ledger, tagged <c>severity</c> and <c>kind</c> (<c>alert</c>, <c>update</c>).</summary>
    public static readonly Counter<long> Raised = Meter.CreateCounter<long>("wirewatch.alerts.raised", "{alert}", "Alerts raised (first alerts and updates of a story).");

    /// <summary>
    /// One per alert and channel, tagged <c>channel</c> (<c>bus</c>, <c>webhook</c>, <c>email</c>) and <c>outcome</c>
    /// (<c>delivered</c>, <c>duplicate</c>, <c>in-progress</c>, <c>dead-lettered</c>, <c>disabled</c>, <c>throttled</c>).
    /// </summary>
    public static readonly Counter<long> Delivered = Meter.CreateCounter<long>("wirewatch.alerts.delivered", "{delivery}", "Alert deliveries by channel and outcome.");

    /// <summary>Channels switched off because their endpoint answered 410 Gone, tagged <c>channel</c>.</summary>
    public static readonly Counter<long> ChannelsDisabled = Meter.CreateCounter<long>("wirewatch.alerts.channels_disabled", "{channel}", "Channels disabled after 410 Gone.");

    /// <summary>Digests sent for throttled subscriptions, tagged <c>channel</c>.</summary>
    public static readonly Counter<long> Digests = Meter.CreateCounter<long>("wirewatch.alerts.digests", "{digest}", "Digests of throttled alerts.");

    /// <summary><c>outcome</c>: <c>ok</c> or <c>invalid</c> (the set in force stays).</summary>
    public static readonly Counter<long> SubscriptionReloads = Meter.CreateCounter<long>("wirewatch.alerts.subscription_reloads", "{reload}", "Changes of subscriptions.json applied or refused.");

    public static void CountDelivery(string channel, string outcome) =>
        Delivered.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));
}
