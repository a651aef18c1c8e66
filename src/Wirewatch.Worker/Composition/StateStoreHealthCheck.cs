using Microsoft.Extensions.Diagnostics.HealthChecks;
using Wirewatch.State;

namespace Wirewatch.Worker.Composition;

/// <summary>Ready only when the state store answers: a worker that cannot record what it did must not take messages.</summary>
public sealed class StateStoreHealthCheck(IStateDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy(database.Description);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or IOException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"State store {database.Description} is not reachable.", e);
        }
    }
}
