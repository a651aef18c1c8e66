using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Wirewatch.Alerting;
using Wirewatch.Classification;
using Wirewatch.Cleaning;
using Wirewatch.Fetching;
using Wirewatch.Fetching.Scheduling;
using Wirewatch.Hosting;
using Wirewatch.State;
using Wirewatch.WebConsole;

namespace Wirewatch.Worker.Composition;

/// <summary>
/// The composition root of every role and command: reads the settings, adds each configured role's stage (which
/// registers everything it owns) and its consumers, then the shared defaults of <see cref="WirewatchDefaults"/>.
/// </summary>
public static class RoleComposition
{
    /// <summary>
    /// Registers everything the configured roles need. <paramref name="scheduleFetches"/> adds the Quartz jobs
    /// (the long-running worker); without it the fetcher is driven by the caller (<c>wirewatch once</c>).
    /// <paramref name="sources"/> replaces the sources file (the command line's <c>--source</c>).
    /// Throws <see cref="WirewatchConfigurationException"/> (or the data files' own exceptions) on bad configuration.
    /// </summary>
    public static WirewatchSettings AddWirewatch(this IHostApplicationBuilder builder, bool scheduleFetches, SourceCatalog? sources = null)
    {
        var settings = WirewatchSettings.Read(builder.Configuration);
        var services = builder.Services;
        // The state seam first: its migration runs at start before the bus and the schedules take work.
        var needsState = settings.Has(WirewatchRoles.Fetcher) || settings.Has(WirewatchRoles.Cleaner) || settings.Has(WirewatchRoles.Alerter)
                         || settings.Has(WirewatchRoles.Console);
        var state = needsState ? StateLocation.Read(builder.Configuration, settings.Options.DataDir) : null;
        if (state is not null)
        {
            services.AddWirewatchState(state);
        }

        if (settings.Has(WirewatchRoles.Fetcher))
        {
            // Sources from the file follow its changes; sources given by the caller (--source) are fixed.
            // On PostgreSQL the fetch schedule lives in the state database too, clustered across fetcher replicas.
            var clustered = scheduleFetches && state is { IsPostgres: true } ? new ClusteredSchedule(state.PostgresConnectionString!) : null;
            services.AddFetcher(sources ?? SourceCatalog.Load(settings.SourcesPath), scheduleFetches, sources is null ? settings.SourcesPath : null, clustered);
            services.PostConfigure<FetcherOptions>(o => o.DataDir = Path.GetFullPath(settings.Options.DataDir));
        }

        if (settings.Has(WirewatchRoles.Cleaner))
        {
            services.AddCleaner(settings.CleaningRulesPath);
        }

        if (settings.Has(WirewatchRoles.Classifier))
        {
            services.AddClassifier(settings.TopicsPath, settings.EntitiesPath);
        }

        // A subscription may name only the topics and entities the classifier knows.
        var vocabulary = settings.Has(WirewatchRoles.Alerter) || settings.Has(WirewatchRoles.Console) ? ConsoleComposition.VocabularyFor(settings) : null;
        if (vocabulary is not null)
        {
            services.TryAddSingleton(vocabulary);
        }

        if (settings.Has(WirewatchRoles.Alerter))
        {
            services.AddAlerter(SubscriptionCatalog.Load(settings.SubscriptionsPath, vocabulary));
        }

        if (settings.Has(WirewatchRoles.Console))
        {
            services.AddConsole(settings, builder.Configuration, web: scheduleFetches);
        }

        if (scheduleFetches && vocabulary is not null)
        {
            // The alerter and the console follow subscriptions.json without a restart.
            services.AddSubscriptionsReloader(settings, builder.Configuration);
        }

        var health = builder.AddWirewatchDefaults(settings, bus =>
        {
            if (settings.Has(WirewatchRoles.Cleaner))
            {
                bus.AddCleanerConsumer();
            }

            if (settings.Has(WirewatchRoles.Classifier))
            {
                bus.AddClassifierConsumer();
            }

            if (settings.Has(WirewatchRoles.Alerter))
            {
                bus.AddAlerterConsumer();
            }

            if (settings.Has(WirewatchRoles.Console))
            {
                bus.AddConsoleRecorderConsumer();
            }
        });

        // The roles that keep state (and the console) need the store to be ready; the classifier needs only the bus.
        if (needsState)
        {
            health.AddCheck<StateStoreHealthCheck>("state-store", tags: ["ready"]);
        }

        if (settings.Has(WirewatchRoles.Fetcher))
        {
            health.AddCheck<FetcherSourcesHealthCheck>("fetcher-sources", tags: ["ready"]);
        }

        return settings;
    }
}
