using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Wirewatch.Alerting;
using Wirewatch.ArticleStore;

namespace Wirewatch.WebConsole.Pages;

public sealed class BacktestModel(
    IArticleStore store, SubscriptionBacktest backtest, SubscriptionCatalog catalog, SubscriptionVocabulary vocabulary,
    IOptions<ConsoleOptions> options, TimeProvider time) : PageModel
{
    [BindProperty] public string? Subscriptions { get; set; }
    [BindProperty] public string Since { get; set; } = "7d";

    public double Margin => options.Value.NearMissMargin;
    public IReadOnlyList<BacktestResult>? Results { get; private set; }
    public int ArticleCount { get; private set; }
    public string? Problem { get; private set; }

    /// <summary>Starts from the subscriptions in force (they hold no secret values: secrets are named, never inlined).</summary>
    public void OnGet() => Subscriptions = System.Text.Json.JsonSerializer.Serialize(new { subscriptions = catalog.Subscriptions },
        new System.Text.Json.JsonSerializerOptions(Contracts.WireJson.Options) { WriteIndented = true });

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            var tested = SubscriptionCatalog.FromJson(Subscriptions ?? "", vocabulary);
            var articles = await store.ClassifiedSinceAsync(WebConsole.Since.Parse(Since, time.GetUtcNow()) ?? DateTimeOffset.MinValue, cancellationToken);
            ArticleCount = articles.Count;
            Results = backtest.Run(tested.Subscriptions, articles, Margin);
        }
        catch (Exception e) when (e is InvalidSubscriptionException or FormatException)
        {
            Problem = e.Message;
        }
    }
}
