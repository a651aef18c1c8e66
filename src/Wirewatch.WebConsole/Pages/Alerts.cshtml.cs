using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wirewatch.Alerting;
using Wirewatch.ArticleStore;
using Wirewatch.WebConsole.Access;

namespace Wirewatch.WebConsole.Pages;

public sealed class AlertsModel(IArticleStore store, IReplayRequestStore replays, SubscriptionCatalog catalog) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Subscription { get; set; }

    public IReadOnlyList<string> Subscriptions { get; private set; } = [];
    public AlertsView View { get; private set; } = AlertsView.Empty;
    public ReplayRequest? Requested { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>
    /// Operators only; the form carries the anti-forgery token that Razor Pages check on every POST. The console only
    /// records the request: an alerter (this process's or another's, sharing the state store) replays it and records
    /// what each channel did, which this page then shows.
    /// </summary>
    public async Task<IActionResult> OnPostReplayAsync(string alertId, CancellationToken cancellationToken)
    {
        if (!User.IsInRole(ConsoleTokens.OperatorRole))
        {
            return StatusCode(StatusCodes.Status403Forbidden, "Replay is for operators.");
        }

        if (string.IsNullOrWhiteSpace(alertId))
        {
            return BadRequest("Name the alert to replay (alertId).");
        }

        Requested = await replays.RequestAsync(alertId, User.Identity?.Name ?? ConsoleTokens.OperatorRole, cancellationToken);
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var alerts = await store.AlertsAsync(Subscription, null, 200, cancellationToken);
        Subscriptions = catalog.Subscriptions.Select(s => s.Id).Concat(alerts.Select(a => a.Alert.SubscriptionId)).Distinct(StringComparer.Ordinal).ToList();
        View = await AlertsView.LoadAsync(alerts, User.IsInRole(ConsoleTokens.OperatorRole), replays, cancellationToken);
    }
}
