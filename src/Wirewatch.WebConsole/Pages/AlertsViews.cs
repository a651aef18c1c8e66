using Wirewatch.Alerting;
using Wirewatch.ArticleStore;

namespace Wirewatch.WebConsole.Pages;

internal static class AlertsViews
{
    /// <summary>The alerts with the replay requests of those shown (the newest 200 requests are enough for a page).</summary>
    public static async Task<AlertsView> LoadAsync(IReadOnlyList<StoredAlert> alerts, bool canReplay, IReplayRequestStore replays, CancellationToken cancellationToken)
    {
        var shown = alerts.Select(a => a.Alert.AlertId).ToHashSet(StringComparer.Ordinal);
        var requests = (await replays.RecentAsync(null, 200, cancellationToken)).Where(r => shown.Contains(r.AlertId)).ToList();
        return new AlertsView(alerts, canReplay, requests);
    }
}
