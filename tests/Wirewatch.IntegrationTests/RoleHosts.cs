using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wirewatch.Fetching;
using Wirewatch.Hosting;
using Wirewatch.Worker.Composition;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// One host per role, each composed exactly as a deployment of the one image would be (<c>Wirewatch:Roles</c> set to a
/// single role, RabbitMQ transport), each with its own data directory: four deployments in one test process.
/// </summary>
public sealed class RoleHosts : IAsyncDisposable
{
    public const string Fetcher = "fetcher";
    public const string Cleaner = "cleaner";
    public const string Classifier = "classifier";
    public const string Alerter = "alerter";
    public static readonly string[] AllRoles = [Fetcher, Cleaner, Classifier, Alerter];

    private readonly Dictionary<string, IHost> _hosts;

    private RoleHosts(Dictionary<string, IHost> hosts) => _hosts = hosts;

    public IHost this[string role] => _hosts[role];

    /// <summary>The fetcher host's fetch cycle and bus, for driving one cycle by hand (no Quartz schedule).</summary>
    public Task<FetchCycleResult> RunFetchCycleAsync(SourceDefinition source, CancellationToken cancellationToken = default)
    {
        var host = _hosts[Fetcher];
        return host.Services.GetRequiredService<FetchCycle>().RunAsync(source, host.Services.GetRequiredService<IBus>(), cancellationToken);
    }

    public static Task<RoleHosts> StartAsync(RabbitMqNode node, string virtualHost, string workFolder, SourceCatalog? sources, params string[] roles) =>
        StartAsync(node, virtualHost, workFolder, sources, new Dictionary<string, string?>(), roles);

    /// <param name="settings">Configuration layered over the deployment's (e.g. <c>Wirewatch:Fetcher:PublishTimeout</c>).</param>
    public static Task<RoleHosts> StartAsync(
        RabbitMqNode node, string virtualHost, string workFolder, SourceCatalog? sources, IReadOnlyDictionary<string, string?> settings, params string[] roles) =>
        StartAsync(Broker("127.0.0.1", node.AmqpPort, hosts: null), virtualHost, workFolder, sources, settings, roles);

    /// <summary>Role hosts on a cluster: each is given every node (<c>Wirewatch:RabbitMq:Hosts</c>), as a deployment on one is.</summary>
    public static Task<RoleHosts> StartAsync(
        RabbitMqCluster cluster, string virtualHost, string workFolder, SourceCatalog? sources, IReadOnlyDictionary<string, string?> settings, params string[] roles) =>
        StartAsync(Broker("127.0.0.1", 5672, cluster.Hosts), virtualHost, workFolder, sources, settings, roles);

    private static Dictionary<string, string?> Broker(string host, int port, string? hosts) => new()
    {
        ["Wirewatch:RabbitMq:Host"] = host,
        ["Wirewatch:RabbitMq:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Wirewatch:RabbitMq:Hosts"] = hosts,
    };

    private static async Task<RoleHosts> StartAsync(
        Dictionary<string, string?> broker, string virtualHost, string workFolder, SourceCatalog? sources, IReadOnlyDictionary<string, string?> settings, string[] roles)
    {
        var hosts = new Dictionary<string, IHost>(StringComparer.Ordinal);
        try
        {
            foreach (var role in roles)
            {
                hosts[role] = Build(broker, virtualHost, Path.Combine(workFolder, "data-" + role), role, sources, settings);
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Task.WhenAll(hosts.Values.Select(h => h.StartAsync(deadline.Token)));
            return new RoleHosts(hosts);
        }
        catch
        {
            await new RoleHosts(hosts).DisposeAsync();
            throw;
        }
    }

    private static IHost Build(Dictionary<string, string?> broker, string virtualHost, string dataDir, string role, SourceCatalog? sources, IReadOnlyDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
            ApplicationName = "wirewatch-" + role,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wirewatch:Transport"] = Transports.RabbitMq,
            ["Wirewatch:RabbitMq:VirtualHost"] = virtualHost,
            ["Wirewatch:Roles"] = role,
            ["Wirewatch:DataDir"] = dataDir,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(broker);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddWirewatch(scheduleFetches: false, role == Fetcher ? sources : null);
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(_hosts.Values.Select(async h =>
        {
            try
            {
                await h.StopAsync(deadline.Token);
            }
            finally
            {
                h.Dispose();
            }
        }));
    }
}
