namespace Wirewatch.Contracts;

/// <summary>
/// The names downstream services bind to. They are contracts: never derived from .NET type names.
/// </summary>
public static class WireNames
{
    public const string ArticlesFetchedExchange = "wirewatch.articles.fetched";
    public const string ArticlesCleanedExchange = "wirewatch.articles.cleaned";
    public const string ArticlesClassifiedExchange = "wirewatch.articles.classified";
    public const string ArticlesRejectedExchange = "wirewatch.articles.rejected";
    public const string AlertsExchange = "wirewatch.alerts";
    /// <summary>
    /// A headers exchange carrying every alert once, with the headers of <see cref="AlertRouting.HeadersFor"/>: bind
    /// with <c>x-match: all, wirewatch-subscription: &lt;id&gt;</c> for one subscription's alerts, or
    /// <c>wirewatch-topic-&lt;topic&gt;: true</c> for every alert that matched a topic, not only its top one.
    /// </summary>
    public const string AlertsBySubscriptionExchange = "wirewatch.alerts.by-subscription";

    public const string AlertDeliveryFailedExchange = "wirewatch.alerts.failed";

    /// <summary>
    /// The <c>alternate-exchange</c> of <see cref="AlertsExchange"/> (a fanout exchange) and the durable queue bound to
    /// it, both of this name: an alert that no binding of <c>wirewatch.alerts</c> routes lands here instead of being
    /// dropped by the broker. A client declaring <c>wirewatch.alerts</c> itself must pass the same argument
    /// (<c>alternate-exchange</c> = this name) or declare it passively.
    /// </summary>
    public const string AlertsUnroutedExchange = "wirewatch.alerts.unrouted";

    public const string CleanerQueue = "wirewatch-cleaner";
    public const string ClassifierQueue = "wirewatch-classifier";
    public const string AlerterQueue = "wirewatch-alerter";
}
