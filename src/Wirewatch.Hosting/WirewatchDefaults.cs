using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Wirewatch.Contracts;

namespace Wirewatch.Hosting;

/// <summary>
/// The defaults every role starts with, knowing no stage (like eShop's ServiceDefaults): logging, time, the bus and its
/// topology and consume pipeline, telemetry, and the health endpoints. The executable composes the roles on top
/// (<c>Wirewatch.Worker/Composition</c>), handing its consumers to <see cref="AddWirewatchDefaults"/>.
/// </summary>
public static class WirewatchDefaults
{
    /// <summary>
    /// Registers the shared defaults for validated <paramref name="settings"/>; <paramref name="addConsumers"/> adds the
    /// consumers of the roles this process runs. Returns the health-check builder, for the roles' own readiness checks
    /// (every check tagged <c>ready</c> gates <c>/health/ready</c>; MassTransit adds the bus's).
    /// </summary>
    public static IHealthChecksBuilder AddWirewatchDefaults(this IHostApplicationBuilder builder, WirewatchSettings settings, Action<IBusRegistrationConfigurator> addConsumers)
    {
        var services = builder.Services;
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        AddBus(services, settings, addConsumers);
        AddTelemetry(builder, settings);
        return services.AddHealthChecks();
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: every check tagged <c>ready</c> (the bus connected, which MassTransit adds, and the roles' own: state store reachable, not every source broken).</summary>
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

    private static void AddBus(IServiceCollection services, WirewatchSettings settings, Action<IBusRegistrationConfigurator> addConsumers)
    {
        services.AddSingleton<ConsumeTelemetry>(); // the consume filter's lag histogram
        services.AddMassTransit(bus =>
        {
            // MassTransit 8.4+ reports usage to its vendor over the internet by default: a monitor behind a firewall
            // must not phone home (and each try logged a connection failure where egress is closed).
            bus.DisableUsageTelemetry();
            addConsumers(bus);
            var concurrency = settings.Options.ConcurrentMessages;
            if (settings.Options.Transport == Transports.RabbitMq)
            {
                var rabbit = settings.Options.RabbitMq;
                var tls = BrokerTls.For(rabbit); // Reads the certificate files now: a bad one stops the start, naming the key.
                var nodes = BrokerNodes.Of(rabbit);
                services.AddSingleton<RefusedPublishWatchdog>();
                services.AddHostedService(sp => sp.GetRequiredService<RefusedPublishWatchdog>());
                services.AddPublishObserver(sp => sp.GetRequiredService<RefusedPublishWatchdog>());
                bus.AddConfigureEndpointsCallback((_, _, endpoint) => DeclareConsumerQueue(endpoint, rabbit));
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(nodes[0].Host, (ushort)nodes[0].Port, rabbit.VirtualHost, host =>
                    {
                        host.Username(rabbit.Username);
                        host.Password(rabbit.Password);
                        host.PublisherConfirmation = true;
                        host.Heartbeat(TimeSpan.FromSeconds(10));
                        if (tls is not null)
                        {
                            host.UseSsl(tls.Apply);
                        }

                        if (nodes.Count > 1)
                        {
                            // Connects to the first node that answers; when its node goes, the bus reconnects to the next.
                            // Quorum queues keep their messages and elect a new leader on the surviving nodes.
                            host.UseCluster(cluster =>
                            {
                                foreach (var node in nodes)
                                {
                                    cluster.Node(node.ToString());
                                }
                            });
                        }
                    });
                    BusTopology.ApplyRabbitMq(cfg, replicated: nodes.Count > 1 && rabbit.QueueType == QueueTypes.Quorum);
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
                .AddSource(WireTelemetry.Name, "MassTransit")
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(WireTelemetry.Name, "MassTransit", "Polly")
                .AddHttpClientInstrumentation());

        // Exporters only when the standard OTEL_* variables ask for them.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }
}
