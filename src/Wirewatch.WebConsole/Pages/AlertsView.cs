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
}
