using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Wirewatch.Hosting;
using Wirewatch.Worker.Composition;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Operations.Tests;

/// <summary>What each role's readiness depends on, and how each role is named in traces and metrics.</summary>
public sealed class HealthAndResourceTests
{
    [Theory]
    [InlineData("fetcher", true)]
    [InlineData("alerter", true)]
    [InlineData("cleaner", true)] // story fingerprints: shared by the cleaner replicas
    [InlineData("classifier", false)]
    [InlineData("console", true)] // reads and writes the shared state: articles, the ledger's outcomes, replay requests
    [InlineData("all", true)]
    public void Only_the_roles_that_keep_state_wait_for_the_state_store_to_be_ready(string role, bool needsStore)
    {
        using var host = Compose(role);

        var ready = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .Where(r => r.Tags.Contains("ready")).Select(r => r.Name).ToList();

        ready.Contains("state-store").ShouldBe(needsStore, $"ready checks of {role}: {string.Join(", ", ready)}");
        ready.Contains("fetcher-sources").ShouldBe(role is "fetcher" or "all", $"ready checks of {role}: {string.Join(", ", ready)}");
        ready.ShouldContain(name => name.Contains("masstransit", StringComparison.OrdinalIgnoreCase), "every role is ready only with its bus");
    }

    [Fact]
    public async Task A_fetcher_whose_every_source_is_broken_is_not_ready_and_one_good_cycle_makes_it_ready_again()
    {
        using var host = Compose("fetcher");
        var check = ActivatorUtilities.CreateInstance<FetcherSourcesHealthCheck>(host.Services);
        var sourceHealth = host.Services.GetRequiredService<Wirewatch.Fetching.SourceHealth>();
        var sources = host.Services.GetRequiredService<Wirewatch.Fetching.SourceRegistry>().Current.Enabled.Select(s => s.Id).ToList();
        sources.Count.ShouldBeGreaterThan(1, "the shipped sources.json has a feed and a drop folder");

        (await check.CheckHealthAsync(new HealthCheckContext())).Status.ShouldBe(HealthStatus.Healthy);
        foreach (var _ in Enumerable.Range(0, 3))
        {
            sourceHealth.Failed(sources[0], null, "http-500");
        }

        (await check.CheckHealthAsync(new HealthCheckContext())).Status.ShouldBe(HealthStatus.Healthy, "one broken source among working ones is an alert, not unreadiness");
        foreach (var source in sources.Skip(1))
        {
            foreach (var _ in Enumerable.Range(0, 3))
            {
                sourceHealth.Failed(source, null, "timeout");
            }
        }

        var allBroken = await check.CheckHealthAsync(new HealthCheckContext());
        allBroken.Status.ShouldBe(HealthStatus.Unhealthy);
        allBroken.Description.ShouldNotBeNull().ShouldContain(sources[0]);

        sourceHealth.Succeeded(sources[1]);
        (await check.CheckHealthAsync(new HealthCheckContext())).Status.ShouldBe(HealthStatus.Healthy);
    }

    [Theory]
    [InlineData("all", "wirewatch")]
    [InlineData("cleaner", "wirewatch-cleaner")]
    [InlineData("fetcher,alerter", "wirewatch-fetcher-alerter")]
    public void Each_role_reports_as_its_own_service(string roles, string serviceName) =>
        WirewatchDefaults.ServiceNameFor(WirewatchSettings.ParseRoles(roles)!.Value).ShouldBe(serviceName);

    private static IHost Compose(string role)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wirewatch:Roles"] = role,
            ["Wirewatch:DataDir"] = TestPaths.TempFolder("health"),
        });
        builder.AddWirewatch(scheduleFetches: false);
        return builder.Build();
    }
}
