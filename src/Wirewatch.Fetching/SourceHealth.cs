using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Wirewatch.Fetching;

/// <summary>
/// Failed cycles in a row, per source. At <see cref="FetcherOptions.BrokenAfter"/> the source is reported broken (an
/// error log and <c>wirewatch.fetch.sources.broken</c> +1), not silently skipped; its first good cycle reports recovery.
/// </summary>
public sealed class SourceHealth(IOptions<FetcherOptions> options, FetchTelemetry telemetry, ILogger<SourceHealth> log)
{
    private readonly ConcurrentDictionary<string, int> _failuresInARow = new(StringComparer.Ordinal);

    public int FailuresInARow(string sourceId) => _failuresInARow.GetValueOrDefault(sourceId);

    public bool IsBroken(string sourceId) => FailuresInARow(sourceId) >= options.Value.BrokenAfter;

    public void Succeeded(string sourceId)
    {
        if (_failuresInARow.TryRemove(sourceId, out var failures) && failures >= options.Value.BrokenAfter)
        {
            telemetry.BrokenSources.Add(-1, new KeyValuePair<string, object?>("source", sourceId));
            log.LogInformation("Source {SourceId} recovered after {Failures} failed cycles", sourceId, failures);
        }
    }

    public void Failed(string sourceId, string? url, string reason)
    {
        var failures = _failuresInARow.AddOrUpdate(sourceId, 1, (_, n) => n + 1);
        if (failures == options.Value.BrokenAfter)
        {
            telemetry.BrokenSources.Add(1, new KeyValuePair<string, object?>("source", sourceId));
            log.LogError("Source {SourceId} is broken: {Failures} failed cycles in a row, the last with {Reason} ({Url})", sourceId, failures, reason, url);
        }
    }
}
