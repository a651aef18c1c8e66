using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wirewatch.Alerting;
using Wirewatch.Classification;
using Wirewatch.Cleaning;
using Wirewatch.Fetching;
using Wirewatch.Fetching.Scheduling;
using Wirewatch.Hosting;

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

        if (settings.Has(WirewatchRoles.Fetcher))
        {
            // Sources from the file follow its changes; sources given by the caller (--source) are fixed.
            services.AddFetcher(sources ?? SourceCatalog.Load(settings.SourcesPath), settings.DatabasePath, scheduleFetches, sources is null ? settings.SourcesPath : null,
                scheduleFetches ? ClusteredScheduleFrom(builder.Configuration) : null);
            services.PostConfigure<FetcherOptions>(o => o.DataDir = Path.GetFullPath(settings.Options.DataDir));
        }

        if (settings.Has(WirewatchRoles.Cleaner))
        {
            services.AddCleaner(settings.CleaningRulesPath, settings.DatabasePath);
        }

        if (settings.Has(WirewatchRoles.Classifier))
        {
            services.AddClassifier(settings.TopicsPath, settings.EntitiesPath);
        }

        if (settings.Has(WirewatchRoles.Alerter))
        {
            services.AddAlerter(SubscriptionCatalog.Load(settings.SubscriptionsPath), settings.DatabasePath);
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
        });

        // Only the roles that keep state need the store to be ready; the cleaner and classifier need only the bus.
        if (settings.Has(WirewatchRoles.Fetcher) || settings.Has(WirewatchRoles.Alerter))
        {
            health.AddCheck<StateStoreHealthCheck>("state-store", tags: ["ready"]);
        }

        if (settings.Has(WirewatchRoles.Fetcher))
        {
            health.AddCheck<FetcherSourcesHealthCheck>("fetcher-sources", tags: ["ready"]);
        }

        return settings;
    }

    /// <summary>
    /// With <c>Wirewatch:State:Provider=Postgres</c> the fetch schedule lives in the state database, clustered across
    /// fetcher replicas; otherwise in memory. Reads the state seam's connection settings (<c>ConnectionString</c>, or
    /// <c>ConnectionStringFile</c> for a mounted secret; validated with the rest of <c>Wirewatch:State</c> by the seam).
    /// </summary>
    private static ClusteredSchedule? ClusteredScheduleFrom(IConfiguration configuration)
    {
        var state = configuration.GetSection("Wirewatch:State");
        if (!string.Equals(state["Provider"], "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var connectionString = state["ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString) && state["ConnectionStringFile"] is { Length: > 0 } file)
        {
            try
            {
                connectionString = File.ReadAllText(file).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new WirewatchConfigurationException($"Wirewatch:State:ConnectionStringFile: cannot read '{file}' ({e.GetType().Name}: {e.Message}).");
            }
        }

        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new WirewatchConfigurationException("Wirewatch:State:ConnectionString (or ConnectionStringFile) is required when Wirewatch:State:Provider is Postgres.")
            : new ClusteredSchedule(connectionString);
    }
}
