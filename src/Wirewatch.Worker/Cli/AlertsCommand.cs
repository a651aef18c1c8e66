using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wirewatch.Alerting;
using Wirewatch.Hosting;
using Wirewatch.State;

namespace Wirewatch.Worker.Cli;

internal sealed record ReplayArguments(string? DataDir, string? Subscriptions, string? AlertId, bool Enable, bool Json, string? ConfigFile);

/// <summary><c>wirewatch alerts replay</c>: the dead-lettered alerts of the ledger, delivered again through their channels.</summary>
internal static class AlertsCommand
{
    public static async Task<int> ReplayAsync(ReplayArguments args, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (args.Subscriptions is { } file && !File.Exists(file))
        {
            throw new CliInputException($"--subscriptions: file '{file}' does not exist.");
        }

        if (args.DataDir is { } dir && !Directory.Exists(dir))
        {
            throw new CliInputException($"--data-dir: folder '{dir}' does not exist.");
        }

        var configuration = WorkerConfiguration.Build(args.ConfigFile);
        var overrides = new Dictionary<string, string?>();
        if (args.DataDir is not null)
        {
            overrides["Wirewatch:DataDir"] = Path.GetFullPath(args.DataDir);
        }

        if (args.Subscriptions is not null)
        {
            overrides["Wirewatch:SubscriptionsFile"] = Path.GetFullPath(args.Subscriptions);
        }

        var layered = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(overrides).Build();
        var settings = WirewatchSettings.Read(layered);
        var services = new ServiceCollection()
            .AddLogging(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(layered)
            .AddWirewatchState(StateLocation.Read(layered, settings.Options.DataDir))
            .AddAlerter(SubscriptionCatalog.Load(settings.SubscriptionsPath));
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var output = new CliOutput(stdout, args.Json);
        var results = await provider.GetRequiredService<AlertReplayer>().ReplayAsync(args.AlertId, args.Enable, cancellationToken);
        foreach (var result in results)
        {
            output.Replayed(result);
        }

        var failed = results.Count(r => r.Outcome is "dead-lettered" or "skipped");
        output.Note(results.Count == 0 ? "No dead-lettered alerts." : $"{results.Count - failed} of {results.Count} delivered.");
        return failed == 0 ? WirewatchCli.Success : WirewatchCli.Failure;
    }
}
