using System.Diagnostics;
using System.Globalization;

namespace Wirewatch.Fetching;

/// <summary>
/// <c>wirewatch sources check</c>: lists each source once, unconditionally (no stored validators, nothing published,
/// nothing marked seen), and says whether it answered, with what, and how many items it lists.
/// </summary>
public sealed class SourceChecker(SourceReader reader)
{
    public async Task<SourceCheck> CheckAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var location = source.Url ?? source.Path ?? "";
        try
        {
            var listing = await reader.ListAsync(source, cancellationToken, conditional: false);
            return new SourceCheck(source.Id, source.Kind, location, true, listing.Status, listing.Items.Count, listing.SkippedEntries, null, Elapsed(started));
        }
        catch (FetchFailedException e)
        {
            // An answer that cannot be used (a broken feed) is reachable but not usable; no answer is unreachable.
            int? status = e.Reason.StartsWith("http-", StringComparison.Ordinal)
                          && int.TryParse(e.Reason.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
            var parseFailed = e.Reason == "invalid-feed";
            return new SourceCheck(source.Id, source.Kind, location, parseFailed, parseFailed ? 200 : status, 0, parseFailed ? 1 : 0, $"{e.Reason}: {e.Message}", Elapsed(started));
        }
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

/// <summary>One row of the check. <see cref="Ok"/>: it answered and its listing could be read.</summary>
public sealed record SourceCheck(string Id, string Kind, string Location, bool Reachable, int? Status, int Items, int ParseErrors, string? Error, long Milliseconds)
{
    public bool Ok => Reachable && Error is null;
}
