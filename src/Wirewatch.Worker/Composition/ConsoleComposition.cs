using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using Wirewatch.Alerting;
using Wirewatch.Classification;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.Hosting;
using Wirewatch.WebConsole;
using Wirewatch.WebConsole.Queues;

namespace Wirewatch.Worker.Composition;

/// <summary>
/// The <c>console</c> role: its options and backtest everywhere, its web pages and API where Kestrel runs (<c>run</c>).
/// Its article store and the sources' status come from the state seam (<c>AddWirewatchState</c>).
/// </summary>
public static class ConsoleComposition
{
    public static readonly TimeSpan DefaultSubscriptionsReloadInterval = TimeSpan.FromSeconds(10);

    public static IServiceCollection AddConsole(this IServiceCollection services, WirewatchSettings settings, IConfiguration configuration, bool web)
    {
        services.AddConsoleStore(configuration, prune: web);
        var vocabulary = VocabularyFor(settings);
        services.TryAddSingleton(vocabulary);
        services.TryAddSingleton(_ => SubscriptionCatalog.Load(settings.SubscriptionsPath, vocabulary));
        if (!web)
        {
            return services;
        }

        services.AddSingleton(sp => new SourceOverview(
            () => sp.GetService<SourceRegistry>()?.Current ?? SourceCatalog.Load(settings.SourcesPath),
            sp.GetRequiredService<ISourceStatusStore>()));
        if (settings.Options.Transport == Transports.RabbitMq)
        {
            services.AddSingleton<IQueueDepths>(_ => QueueDepths(settings.Options.RabbitMq));
        }

        services.AddConsoleWeb(Path.GetFullPath(settings.Options.DataDir));
        return services;
    }

    /// <summary>The queue depths on the configured broker (any node of a cluster), with the worker's credentials and TLS.</summary>
    public static RabbitMqQueueDepths QueueDepths(RabbitMqOptions options)
    {
        var broker = ErrorQueues.ConnectionFactory(options);
        broker.Factory.ClientProvidedName = "wirewatch-console";
        return new RabbitMqQueueDepths(broker.Factory, broker.Nodes.Select(n => new AmqpTcpEndpoint(n.Host, n.Port, broker.Factory.Ssl)).ToList());
    }

    /// <summary><c>subscriptions.json</c> followed without a restart (<c>Wirewatch:Alerts:SubscriptionsReloadInterval</c>, default 10 s).</summary>
    public static IServiceCollection AddSubscriptionsReloader(this IServiceCollection services, WirewatchSettings settings, IConfiguration configuration)
    {
        var interval = configuration.GetValue<TimeSpan?>("Wirewatch:Alerts:SubscriptionsReloadInterval") ?? DefaultSubscriptionsReloadInterval;
        if (interval <= TimeSpan.Zero)
        {
            throw new WirewatchConfigurationException($"Wirewatch:Alerts:SubscriptionsReloadInterval must be positive (was {interval}).");
        }

        services.AddMetrics();
        services.TryAddSingleton<AlertMetrics>(); // the reload counter, also where the console runs without the alerter
        services.AddHostedService(sp => new SubscriptionsReloader(settings.SubscriptionsPath, interval, sp.GetRequiredService<SubscriptionCatalog>(),
            sp.GetRequiredService<SubscriptionVocabulary>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<AlertMetrics>(),
            sp.GetRequiredService<ILogger<SubscriptionsReloader>>()));
        return services;
    }

    /// <summary>The topics of the taxonomy and the entities of the gazetteer: what a subscription may name.</summary>
    public static SubscriptionVocabulary VocabularyFor(WirewatchSettings settings) =>
        Vocabulary(settings.TopicsPath, settings.EntitiesPath);

    public static SubscriptionVocabulary Vocabulary(string topicsPath, string entitiesPath)
    {
        var topics = Taxonomy.Load(topicsPath).Topics.Select(t => t.Id);
        var entities = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(entitiesPath));
            foreach (var kind in document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array))
            {
                entities.AddRange(kind.Value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
            }
        }
        catch (JsonException e)
        {
            throw new WirewatchConfigurationException($"Entities file {JsonErrors.Describe(entitiesPath, e)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WirewatchConfigurationException($"Cannot read the entities file '{entitiesPath}': {e.Message}");
        }

        return new SubscriptionVocabulary(topics, entities);
    }
}
