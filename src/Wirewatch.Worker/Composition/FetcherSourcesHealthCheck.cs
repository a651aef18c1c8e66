using Microsoft.Extensions.Diagnostics.HealthChecks;
using Wirewatch.Fetching;

namespace Wirewatch.Worker.Composition;

/// <summary>
/// A fetcher whose every enabled source is broken (each failed <c>Fetcher:BrokenAfter</c> cycles in a row) fetches
/// nothing: not ready, so the orchestrator and the on-call engineer see it. One broken source among working ones is
/// the <c>WirewatchSourceBroken</c> alert's business, not readiness.
/// </summary>
public sealed class FetcherSourcesHealthCheck(SourceRegistry sources, SourceHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var enabled = sources.Current.Enabled.Select(s => s.Id).ToList();
        var broken = enabled.Where(health.IsBroken).ToList();
        var description = $"{broken.Count} of {enabled.Count} enabled sources broken{(broken.Count > 0 ? ": " + string.Join(", ", broken) : "")}.";
        return Task.FromResult(enabled.Count > 0 && broken.Count == enabled.Count
            ? HealthCheckResult.Unhealthy(description)
            : HealthCheckResult.Healthy(description));
    }
}
