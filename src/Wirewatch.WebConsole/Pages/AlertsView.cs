using Wirewatch.ArticleStore;

namespace Wirewatch.WebConsole.Pages;

/// <summary>What the alerts table shows; <see cref="CanReplay"/> for operators where the alerter's replayer runs in this process.</summary>
public sealed record AlertsView(IReadOnlyList<StoredAlert> Alerts, bool CanReplay);
