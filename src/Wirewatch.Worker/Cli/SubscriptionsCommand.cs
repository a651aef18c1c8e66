using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting;
using Wirewatch.ArticleStore;
using Wirewatch.Hosting;
using Wirewatch.State;
using Wirewatch.WebConsole;
using Wirewatch.Worker.Composition;

namespace Wirewatch.Worker.Cli;

internal sealed record BacktestArguments(string File, string Since, string? DataDir, bool Json, string? ConfigFile);

/// <summary>
/// <c>wirewatch subscriptions check FILE</c>: the validation a running worker applies before it reloads the file.
/// <c>wirewatch subscriptions test FILE</c>: what the subscriptions would have raised over the console's stored articles.
/// </summary>
internal static class SubscriptionsCommand
{
    public static Task<int> CheckAsync(string file, string? configFile, TextWriter stdout)
    {
        var catalog = Load(file, WirewatchSettings.Read(WorkerConfiguration.Build(configFile)));
        stdout.WriteLine($"{file}: {catalog.Subscriptions.Count} subscription(s), valid: {string.Join(", ", catalog.Subscriptions.Select(s => s.Id))}");
        return Task.FromResult(WirewatchCli.Success);
    }

    public static async Task<int> TestAsync(BacktestArguments args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var configuration = WorkerConfiguration.Build(args.ConfigFile);
        if (args.DataDir is { } dir)
        {
            if (!Directory.Exists(dir))
            {
                throw new CliInputException($"--data-dir: folder '{dir}' does not exist.");
            }

            configuration = new ConfigurationBuilder().AddConfiguration(configuration)
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Wirewatch:DataDir"] = Path.GetFullPath(dir) }).Build();
        }

        var settings = WirewatchSettings.Read(configuration);
        var catalog = Load(args.File, settings);
        var state = StateLocation.Read(configuration, settings.Options.DataDir);
        if (state.SqlitePath is { } databasePath && !File.Exists(databasePath))
        {
            throw new CliInputException($"No stored articles: '{databasePath}' does not exist (the console role records them; 'wirewatch once --data-dir D' too).");
        }

        DateTimeOffset since;
        try
        {
            since = Since.Parse(args.Since, TimeProvider.System.GetUtcNow()) ?? DateTimeOffset.MinValue;
        }
        catch (FormatException e)
        {
            throw new CliInputException($"--since: {e.Message}");
        }

        // The article store as the console role has it, on either provider.
        await using var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddLogging().AddWirewatchState(state).BuildServiceProvider();
        await services.GetRequiredService<IStateDatabase>().MigrateAsync(cancellationToken);
        var articles = await services.GetRequiredService<IArticleStore>().ClassifiedSinceAsync(since, cancellationToken);
        var margin = configuration.GetValue<double?>("Wirewatch:Console:NearMissMargin") ?? SubscriptionBacktest.DefaultNearMissMargin;
        var results = new SubscriptionBacktest(new SubscriptionMatcher(), TimeProvider.System).Run(catalog.Subscriptions, articles, margin);

        var output = new CliOutput(stdout, args.Json);
        foreach (var result in results)
        {
            output.Backtested(result);
            foreach (var alert in result.Alerts)
            {
                output.Alert(alert.Alert);
            }

            foreach (var miss in result.NearMisses)
            {
                output.NearMiss(result.SubscriptionId, miss);
            }
        }

        output.Note($"{articles.Count} stored article version(s) since {since.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}: " +
                    $"{results.Sum(r => r.Alerts.Count)} alert(s), {results.Sum(r => r.NearMisses.Count)} near miss(es).");
        return WirewatchCli.Success;
    }

    private static SubscriptionCatalog Load(string file, WirewatchSettings settings)
    {
        if (!File.Exists(file))
        {
            throw new CliInputException($"subscriptions file '{file}' does not exist.");
        }

        return SubscriptionCatalog.Load(file, ConsoleComposition.VocabularyFor(settings));
    }
}
