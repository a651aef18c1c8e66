using System.Collections.Concurrent;
using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.Worker.Cli;

namespace Wirewatch.Worker.Tests;

/// <summary><c>wirewatch run</c> on the embedded bus: Quartz polls a drop folder, the article flows to an alert, health answers.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task The_worker_polls_its_sources_on_schedule_and_alerts_on_a_dropped_article()
    {
        var dataDir = TestPaths.TempFolder("run");
        var inbox = Directory.CreateDirectory(Path.Combine(dataDir, "inbox")).FullName;
        var sources = Path.Combine(dataDir, "sources.json");
        File.WriteAllText(sources, """{ "sources": [ { "id": "inbox", "kind": "directory", "path": "inbox", "interval": "00:00:01" } ] }""");
        var config = Path.Combine(dataDir, "settings.json");
        File.WriteAllText(config, $$"""{ "Urls": "http://127.0.0.1:0", "Wirewatch": { "DataDir": "{{dataDir}}", "SourcesFile": "{{sources}}" } }""");

        await using var app = RunCommand.Build(config);
        var alerts = new ConcurrentBag<AlertRaised>();
        await app.StartAsync();
        using var observer = app.Services.GetRequiredService<IBus>().ConnectPublishObserver(new AlertCollector(alerts));

        File.Copy(Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt"), Path.Combine(inbox, "story.txt"));
        await Eventually.True(() => alerts.Any(a => a.SubscriptionId == "sanctions-desk"), "the sanctions alert");

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient();
        (await http.GetAsync($"{address}/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.True(async () => (await http.GetAsync($"{address}/health/ready")).StatusCode == HttpStatusCode.OK, "ready");
        var readiness = app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .Where(r => r.Tags.Contains("ready")).Select(r => r.Name).ToList();
        readiness.ShouldContain("state-store");
        readiness.ShouldContain(name => name.Contains("masstransit", StringComparison.OrdinalIgnoreCase), $"ready checks: {string.Join(", ", readiness)}");

        await app.StopAsync();
        alerts.Count(a => a.SubscriptionId == "sanctions-desk").ShouldBe(1); // Later polls saw the file as unchanged.
    }

    private sealed class AlertCollector(ConcurrentBag<AlertRaised> alerts) : IPublishObserver
    {
        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is AlertRaised alert)
            {
                alerts.Add(alert);
            }

            return Task.CompletedTask;
        }

        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;
        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
