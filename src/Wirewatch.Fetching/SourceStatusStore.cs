namespace Wirewatch.Fetching;

/// <summary>
/// The last fetch cycle of each source, for the console's sources page (the fetcher writes it, the console reads it);
/// its SQLite and PostgreSQL implementations are in Wirewatch.State.
/// </summary>
public interface ISourceStatusStore
{
    Task RecordAsync(SourceStatus status, CancellationToken cancellationToken);

    Task<IReadOnlyList<SourceStatus>> AllAsync(CancellationToken cancellationToken);
}

/// <param name="Outcome"><c>ok</c> or the failure reason of the cycle (<c>timeout</c>, <c>http-503</c>, ...).</param>
/// <param name="FailuresInARow">Failed cycles in a row; the source is broken at <see cref="FetcherOptions.BrokenAfter"/>.</param>
public sealed record SourceStatus(string SourceId, DateTimeOffset LastFetchAt, string Outcome, int Published, int FailuresInARow, bool Broken);
