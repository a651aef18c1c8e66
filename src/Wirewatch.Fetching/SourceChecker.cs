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
            return new SourceCheck(source.Id, source.Kind, location, true, listing.Status, listing.Items.Count, listing.SkippedEntries, null, Elapsed(started))
            {
                Format = listing.Feed?.Format ?? (source.Kind == SourceKinds.Auto && listing.Feed is null ? "page" : null),
                Warnings = listing.Feed is { } feed ? Warnings(feed) : null,
            };
        }
        catch (FetchFailedException e)
        {
            // An answer that cannot be used (a broken feed) is reachable but not usable; no answer is unreachable.
            int? status = e.Reason.StartsWith("http-", StringComparison.Ordinal)
                          && int.TryParse(e.Reason.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
            var parseFailed = e.Reason is "invalid-feed" or "empty-response";
            return new SourceCheck(source.Id, source.Kind, location, parseFailed, parseFailed ? 200 : status, 0, parseFailed ? 1 : 0, $"{e.Reason}: {e.Message}", Elapsed(started));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A bug on one source's content must not cost the other sources their row.
            return new SourceCheck(source.Id, source.Kind, location, false, null, 0, 0, $"unexpected: {e.GetType().Name}: {e.Message}", Elapsed(started));
        }
    }

    /// <summary>What reading the feed gave up, in words: <c>no-link 2, bad-date 1, recovered</c>.</summary>
    private static string? Warnings(ParsedFeed feed)
    {
        var parts = new List<string>();
        if (feed.Skipped > 0)
        {
            parts.Add($"no-link {feed.Skipped}");
        }

        if (feed.UnreadableDates > 0)
        {
            parts.Add($"bad-date {feed.UnreadableDates}");
        }

        if (feed.Recovered is not null)
        {
            parts.Add("recovered");
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

/// <summary>One row of the check. <see cref="Ok"/>: it answered and its listing could be read.</summary>
public sealed record SourceCheck(string Id, string Kind, string Location, bool Reachable, int? Status, int Items, int ParseErrors, string? Error, long Milliseconds)
{
    /// <summary>What the listing was: <c>rss-2.0</c>, <c>rss</c>, <c>rss-1.0</c>, <c>atom-0.3</c>, <c>atom-1.0</c>, <c>json-1.1</c>, <c>page</c> (an auto source); null otherwise.</summary>
    public string? Format { get; init; }

    /// <summary>The parse errors in words (<c>no-link 1, bad-date 2, recovered</c>), null when there were none.</summary>
    public string? Warnings { get; init; }

    public bool Ok => Reachable && Error is null;
}
