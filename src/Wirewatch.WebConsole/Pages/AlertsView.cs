using Wirewatch.Alerting;
using Wirewatch.ArticleStore;

namespace Wirewatch.WebConsole.Pages;

/// <summary>
/// What the alerts table shows: the alerts, whether the viewer may request a replay (operators), and the recent replay
/// requests for the alerts shown (carried out by an alerter, wherever it runs).
/// </summary>
public sealed record AlertsView(IReadOnlyList<StoredAlert> Alerts, bool CanReplay, IReadOnlyList<ReplayRequest> Replays)
{
    public static AlertsView Empty { get; } = new([], false, []);

    public IEnumerable<ReplayRequest> ReplaysOf(string alertId) => Replays.Where(r => r.AlertId == alertId);

    /// <summary>The alerts with the replay requests of those shown (the newest 200 requests are enough for a page).</summary>
    public static async Task<AlertsView> LoadAsync(IReadOnlyList<StoredAlert> alerts, bool canReplay, IReplayRequestStore replays, CancellationToken cancellationToken)
    {
        var shown = alerts.Select(a => a.Alert.AlertId).ToHashSet(StringComparer.Ordinal);
        var requests = (await replays.RecentAsync(null, 200, cancellationToken)).Where(r => shown.Contains(r.AlertId)).ToList();
        return new AlertsView(alerts, canReplay, requests);
    }
}
