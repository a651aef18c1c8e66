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
    public const string AlertDeliveryFailedExchange = "wirewatch.alerts.failed";

    public const string CleanerQueue = "wirewatch-cleaner";
    public const string ClassifierQueue = "wirewatch-classifier";
    public const string AlerterQueue = "wirewatch-alerter";
}
