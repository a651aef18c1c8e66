using Microsoft.Data.Sqlite;
using Wirewatch.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Wirewatch.Worker.Composition;

/// <summary>Ready only when the state store answers: a worker that cannot record what it did must not take messages.</summary>
public sealed class StateStoreHealthCheck(WirewatchSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = settings.DatabasePath, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (SqliteException e)
        {
            return HealthCheckResult.Unhealthy($"State store {settings.DatabasePath} is not reachable.", e);
        }
    }
}
