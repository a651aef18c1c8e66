using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting;
using Wirewatch.WebConsole.Access;
using Wirewatch.ArticleStore;

namespace Wirewatch.WebConsole.Pages;

public sealed class AlertsModel(IArticleStore store, SubscriptionCatalog catalog) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Subscription { get; set; }

    public IReadOnlyList<string> Subscriptions { get; private set; } = [];
    public AlertsView View { get; private set; } = new([], false);
    public IReadOnlyList<ReplayResult>? Replayed { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>Operators only; the form carries the anti-forgery token that Razor Pages check on every POST.</summary>
    public async Task<IActionResult> OnPostReplayAsync(string alertId, CancellationToken cancellationToken)
    {
        if (!User.IsInRole(ConsoleTokens.OperatorRole))
        {
            return StatusCode(StatusCodes.Status403Forbidden, "Replay is for operators.");
        }

        var replayer = HttpContext.RequestServices.GetService<AlertReplayer>();
        if (replayer is null)
        {
            return BadRequest("Replay runs where the alerter runs: use 'wirewatch alerts replay' there.");
        }

        Replayed = await replayer.ReplayAsync(alertId, enableChannels: false, cancellationToken);
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var alerts = await store.AlertsAsync(Subscription, null, 200, cancellationToken);
        Subscriptions = catalog.Subscriptions.Select(s => s.Id).Concat(alerts.Select(a => a.Alert.SubscriptionId)).Distinct(StringComparer.Ordinal).ToList();
        var canReplay = User.IsInRole(ConsoleTokens.OperatorRole) && HttpContext.RequestServices.GetService<AlertReplayer>() is not null;
        View = new AlertsView(alerts, canReplay);
    }
}
