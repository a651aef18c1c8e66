namespace Wirewatch.Alerting;

/// <summary>
/// Replays asked for by an operator in the console and carried out by an alerter, wherever each runs: the console
/// writes a request, any alerter sharing the state store takes it (<see cref="ReplayRequestProcessor"/>), replays the
/// alert's dead-lettered channels and records the results, which the console shows. Its SQLite and PostgreSQL
/// implementations are in the state seam (Wirewatch.State).
/// </summary>
public interface IReplayRequestStore
{
    /// <summary>Records a pending request for the dead-lettered channels of <paramref name="alertId"/>.</summary>
    Task<ReplayRequest> RequestAsync(string alertId, string requestedBy, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="limit"/> pending requests, oldest first, and marks them taken by this caller: two
    /// alerters never take the same one. A request taken before <paramref name="staleBefore"/> and never finished (its
    /// alerter died) is taken again.
    /// </summary>
    Task<IReadOnlyList<ReplayRequest>> TakeAsync(int limit, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    /// <summary>Marks a taken request done with what each channel's replay did.</summary>
    Task CompleteAsync(long id, IReadOnlyList<ReplayResult> results, CancellationToken cancellationToken);

    /// <summary>The newest requests first, of one alert when given.</summary>
    Task<IReadOnlyList<ReplayRequest>> RecentAsync(string? alertId, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes the requests done before <paramref name="before"/> (pending and taken ones stay); returns how many went.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <param name="State"><c>pending</c> (waiting for an alerter), <c>taken</c> (being replayed) or <c>done</c>.</param>
/// <param name="Results">What each dead-lettered channel's replay did, once done.</param>
public sealed record ReplayRequest(long Id, string AlertId, string RequestedBy, DateTimeOffset RequestedAt, string State, DateTimeOffset? FinishedAt,
    IReadOnlyList<ReplayResult> Results)
{
    public const string Pending = "pending", Taken = "taken", Done = "done";
}
