using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Wirewatch.Hosting;
using Wirewatch.Worker.Composition;
using Wirewatch.WebConsole;

namespace Wirewatch.Worker.Cli;

/// <summary><c>wirewatch run</c>: the long-running worker with its health endpoints (Kestrel's <c>Urls</c>, default http://localhost:8080).</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(string? configFile, CancellationToken cancellationToken)
    {
        await using var app = Build(configFile);
        // Taken before the run: RunAsync disposes the host's services when it stops.
        var watchdog = app.Services.GetService<RefusedPublishWatchdog>();
        await app.RunAsync(cancellationToken);
        // A worker that stopped itself for a restart says so in its exit code, for the orchestrator.
        return watchdog is { StoppedForRestart: true } ? RefusedPublishWatchdog.ExitCode : WirewatchCli.Success;
    }

    /// <summary>The worker as <c>run</c> starts it: every configured role, Quartz schedules, health endpoints, the console (role <c>console</c>).</summary>
    /// <param name="server">Changes the web host before it is built (tests serve it from an in-memory TestServer).</param>
    public static WebApplication Build(string? configFile, Action<WebApplicationBuilder>? server = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        WorkerConfiguration.Layer(builder.Configuration, configFile);
        if (string.IsNullOrEmpty(builder.Configuration["Urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:8080");
        }

        var settings = builder.AddWirewatch(scheduleFetches: true);
        // The long-running worker prints nothing else, so its logs go to stdout, where container runtimes expect them
        // (the commands with --json keep stdout for their output and log to stderr).
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.None);
        server?.Invoke(builder);
        var app = builder.Build();
        app.MapWirewatchHealth();
        if (settings.Has(WirewatchRoles.Console))
        {
            app.MapWirewatchConsole();
        }

        return app;
    }
}
