using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
using Wirewatch.WebConsole;

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
            // Sources from the file follow its changes; sources given by the caller (--source) are fixed.
            services.AddFetcher(sources ?? SourceCatalog.Load(settings.SourcesPath), settings.DatabasePath, scheduleFetches, sources is null ? settings.SourcesPath : null);
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
            services.AddAlerting(settings, configuration);
            services.AddHostedService<AbandonedClaimSweeper>();
        }

        if (settings.Has(WirewatchRoles.Console))
        {
            services.AddConsole(settings, configuration, web: scheduleFetches);
        }

        if (scheduleFetches && (settings.Has(WirewatchRoles.Alerter) || settings.Has(WirewatchRoles.Console)))
        {
            services.AddSubscriptionsReloader(settings, configuration);
        }

        AddBus(services, settings);
        AddTelemetry(builder, settings);

        // Only the roles that keep state need the store to be ready; the cleaner and classifier need only the bus.
        var health = services.AddHealthChecks();
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
    /// The alerter's services with their options (<c>Wirewatch:Alerts:Webhook</c>, <c>Wirewatch:Alerts:Email</c>): for
    /// the alerter role and for <c>wirewatch alerts replay</c>, which needs no bus.
    /// </summary>
    public static IServiceCollection AddAlerting(this IServiceCollection services, WirewatchSettings settings, IConfiguration configuration)
    {
        var vocabulary = ConsoleComposition.VocabularyFor(settings);
        services.TryAddSingleton(vocabulary);
        services.AddAlerter(SubscriptionCatalog.Load(settings.SubscriptionsPath, vocabulary), settings.DatabasePath);
        services.AddOptions<Alerting.Channels.WebhookOptions>().Bind(configuration.GetSection("Wirewatch:Alerts:Webhook"));
        services.AddOptions<Alerting.Channels.EmailOptions>().Bind(configuration.GetSection("Wirewatch:Alerts:Email"));
        services.AddOptions<AlertLedgerOptions>().Bind(configuration.GetSection("Wirewatch:Alerts"));
        return services;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: bus connected, (fetcher, alerter) state store reachable, (fetcher) not every source broken.</summary>
    public static IEndpointRouteBuilder MapWirewatchHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            // MassTransit reports a bus whose connection is gone as Degraded, which ASP.NET Core answers with 200 by
            // default: a worker that cannot reach its broker is not ready (the fault suite caught it staying green).
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
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

            if (settings.Has(WirewatchRoles.Console))
            {
                bus.AddConsoleRecorderConsumer();
            }

            var concurrency = settings.Options.ConcurrentMessages;
            if (settings.Options.Transport == Transports.RabbitMq)
            {
                var rabbit = settings.Options.RabbitMq;
                var tls = BrokerTls.For(rabbit); // Reads the certificate files now: a bad one stops the start, naming the key.
                bus.AddConfigureEndpointsCallback((_, _, endpoint) => DeclareConsumerQueue(endpoint, rabbit));
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, host =>
                    {
                        host.Username(rabbit.Username);
                        host.Password(rabbit.Password);
                        host.PublisherConfirmation = true;
                        host.Heartbeat(TimeSpan.FromSeconds(10));
                        if (tls is not null)
                        {
                            host.UseSsl(tls.Apply);
                        }
                    });
                    BusTopology.ApplyRabbitMq(cfg);
                    UseConsumePipeline(cfg, context);
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
                    UseConsumePipeline(cfg, context);
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

    /// <summary><c>wirewatch</c> for all roles in one process, else <c>wirewatch-</c> and the roles, e.g. <c>wirewatch-cleaner</c>.</summary>
    public static string ServiceNameFor(WirewatchRoles roles) => roles == WirewatchRoles.All
        ? "wirewatch"
        : "wirewatch-" + string.Join('-', Enum.GetValues<WirewatchRoles>()
            .Where(r => r is not (WirewatchRoles.None or WirewatchRoles.All) && roles.HasFlag(r))
            .Select(r => r.ToString().ToLowerInvariant()));

    /// <summary>
    /// Every consumer: span tags and consumer lag (once per delivery, outside the retries), the delivery limit (a message
    /// that keeps crashing its consumer goes to <c>&lt;queue&gt;_error</c> unprocessed), then short in-memory retries
    /// for transient failures, then the message moves to <c>&lt;queue&gt;_error</c>.
    /// A page a stage cannot use is a rejection (a message), not an exception, so it never spins here.
    /// </summary>
    private static void UseConsumePipeline(IBusFactoryConfigurator cfg, IRegistrationContext context)
    {
        cfg.UseConsumeFilter(typeof(ConsumeTelemetryFilter<>), context);
        cfg.UseConsumeFilter(typeof(DeliveryLimitFilter<>), context);
        cfg.UseMessageRetry(r =>
        {
            r.Intervals(200, 1000, 5000);
            r.Ignore<DeliveryLimitExceededException>();
        });
    }

    /// <summary>
    /// Quorum queues (by default) count redeliveries, which <see cref="DeliveryLimitFilter{T}"/> reads; the queue's own
    /// delivery limit, twice ours, is the backstop. RabbitMQ 3.10 has no default limit.
    /// </summary>
    private static void DeclareConsumerQueue(IReceiveEndpointConfigurator endpoint, RabbitMqOptions rabbit)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator queue && rabbit.QueueType == QueueTypes.Quorum)
        {
            queue.SetQuorumQueue();
            queue.SetQueueArgument("x-delivery-limit", rabbit.DeliveryLimit * 2);
        }
    }

    private static void AddTelemetry(IHostApplicationBuilder builder, WirewatchSettings settings)
    {
        // One service per deployment in the traces UI and one label value per role in Prometheus
        // (wirewatch-cleaner, ...); OTEL_SERVICE_NAME, when set, wins.
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : ServiceNameFor(settings.Roles);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r
                .AddService(serviceName, serviceNamespace: "wirewatch", serviceInstanceId: Environment.MachineName)
                .AddAttributes([new("wirewatch.roles", settings.Options.Roles)]))
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
