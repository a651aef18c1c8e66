using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Wirewatch.Alerting;
using Wirewatch.Classification;
using Wirewatch.Cleaning;
using Wirewatch.Fetching;

namespace Wirewatch.Hosting;

/// <summary>
/// The one composition root every role and command starts through: options, the stages of the configured roles,
/// the bus and its topology, telemetry and health.
/// </summary>
public static class WirewatchComposition
{
    public const string TelemetryName = "Wirewatch";

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
        var configuration = builder.Configuration;

        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<FetcherOptions>().Bind(configuration.GetSection("Wirewatch:Fetcher"))
            .PostConfigure(o => o.DataDir = Path.GetFullPath(settings.Options.DataDir));
        services.AddOptions<CleanerOptions>().Bind(configuration.GetSection("Wirewatch:Cleaner"));

        if (settings.Has(WirewatchRoles.Fetcher))
        {
            services.AddFetcher(sources ?? SourceCatalog.Load(settings.SourcesPath), settings.DatabasePath, scheduleFetches);
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

        AddBus(services, settings);
        AddTelemetry(builder);
        services.AddHealthChecks().AddCheck<StateStoreHealthCheck>("state-store", tags: ["ready"]);
        return settings;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: bus connected and state store reachable.</summary>
    public static IEndpointRouteBuilder MapWirewatchHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return endpoints;
    }

    private static void AddBus(IServiceCollection services, WirewatchSettings settings)
    {
        services.AddMassTransit(bus =>
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

            var concurrency = settings.Options.ConcurrentMessages;
            if (settings.Options.Transport == Transports.RabbitMq)
            {
                var rabbit = settings.Options.RabbitMq;
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, host =>
                    {
                        host.Username(rabbit.Username);
                        host.Password(rabbit.Password);
                        host.PublisherConfirmation = true;
                        host.Heartbeat(TimeSpan.FromSeconds(10));
                        if (rabbit.UseTls)
                        {
                            host.UseSsl(ssl => ssl.ServerName = rabbit.Host);
                        }
                    });
                    BusTopology.ApplyRabbitMq(cfg);
                    UseRetries(cfg);
                    cfg.PrefetchCount = concurrency * 2;
                    cfg.ConcurrentMessageLimit = concurrency;
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) =>
                {
                    BusTopology.ApplyCommon(cfg);
                    UseRetries(cfg);
                    cfg.ConcurrentMessageLimit = concurrency;
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            // Shorter than a container's default 30 s grace period: finish what is in hand, then stop.
            o.StopTimeout = TimeSpan.FromSeconds(20);
        });
    }

    /// <summary>
    /// Every consumer: short in-memory retries for transient failures, then the message moves to <c>&lt;queue&gt;_error</c>.
    /// A page a stage cannot use is a rejection (a message), not an exception, so it never spins here.
    /// </summary>
    private static void UseRetries(IBusFactoryConfigurator cfg) =>
        cfg.UseMessageRetry(r => r.Intervals(200, 1000, 5000));

    private static void AddTelemetry(IHostApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("wirewatch"))
            .WithTracing(t => t
                .AddSource(TelemetryName, "MassTransit")
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(TelemetryName, "MassTransit", "Polly")
                .AddHttpClientInstrumentation());

        // Exporters only when the standard OTEL_* variables ask for them.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }
}
