using Microsoft.AspNetCore.Builder;
using Wirewatch.Hosting;

namespace Wirewatch.Worker.Cli;

/// <summary><c>wirewatch run</c>: the long-running worker with its health endpoints (Kestrel's <c>Urls</c>, default http://localhost:8080).</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(string? configFile, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        WorkerConfiguration.Layer(builder.Configuration, configFile);
        if (string.IsNullOrEmpty(builder.Configuration["Urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:8080");
        }

        builder.AddWirewatch(scheduleFetches: true);
        await using var app = builder.Build();
        app.MapWirewatchHealth();
        await app.RunAsync(cancellationToken);
        return WirewatchCli.Success;
    }
}
