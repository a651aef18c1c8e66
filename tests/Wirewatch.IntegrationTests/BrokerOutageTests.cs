using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.IntegrationTests;

/// <summary>The broker goes away in the middle of a fetch cycle: nothing unpublished is marked seen, nothing is lost or repeated.</summary>
[Collection("rabbitmq")]
[Trait("Category", "Integration")]
public sealed class BrokerOutageTests(RabbitMqNode node) : IDisposable
{
    private static readonly string[] Pages = ["a", "b", "c", "d", "e"];
    private readonly string _work = Directory.CreateTempSubdirectory("wirewatch-outage-").FullName;

    [Fact]
    public async Task When_the_broker_stops_mid_cycle_only_published_items_are_marked_and_the_next_cycle_publishes_exactly_the_rest()
    {
        var vhost = await node.CreateVirtualHostAsync("outage");
        var stopBrokerOnPage = "c";
        var requests = new ConcurrentQueue<string>();
        await using var site = await LoopbackHttpServer.StartAsync(app =>
        {
            app.MapGet("/feed.xml", (HttpContext context) =>
            {
                var origin = $"{context.Request.Scheme}://{context.Request.Host}";
                var items = string.Concat(Pages.Select(p => $"<item><title>Story {p}</title><link>{origin}/news/{p}</link></item>"));
                return Results.Text($"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>{origin}</link><description>d</description>{items}</channel></rss>""", "application/rss+xml");
            });
            app.MapGet("/news/{id}", async (string id) =>
            {
                requests.Enqueue(id);
                if (id == stopBrokerOnPage && Interlocked.Exchange(ref stopBrokerOnPage, null!) is not null)
                {
                    await node.StopBrokerAsync(); // a and b are published and confirmed; c is in hand.
                }

                return Results.Text($"SEOUL, Feb. 8 (Yonhap) -- Story {id}.", "text/plain");
            });
        });
        var source = new SourceDefinition { Id = "outage-wire", Kind = SourceKinds.Rss, Url = site.Url("feed.xml").AbsoluteUri };
        string queue;
        await using (var probe = await AmqpProbe.ConnectAsync(node, vhost))
        {
            await probe.DeclareExchangeAsync(WireNames.ArticlesFetchedExchange, "fanout");
            queue = await probe.BindDurableQueueAsync(WireNames.ArticlesFetchedExchange, "");
        }

        var settings = new Dictionary<string, string?>
        {
            ["Wirewatch:Fetcher:PublishTimeout"] = "00:00:05",
            ["Wirewatch:Fetcher:MinHostInterval"] = "00:00:00",
        };
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, new SourceCatalog([source]), settings, RoleHosts.Fetcher);
        var fetcher = roles[RoleHosts.Fetcher].Services;
        var seen = fetcher.GetRequiredService<ISeenStore>();
        string Url(string page) => site.Url($"news/{page}").AbsoluteUri;

        try
        {
            await Should.ThrowAsync<Exception>(() => roles.RunFetchCycleAsync(source), "the cycle fails when the broker does not confirm");

            foreach (var page in Pages)
            {
                var marked = await seen.GetAsync(Url(page), CancellationToken.None) is not null;
                marked.ShouldBe(page is "a" or "b", $"page {page} marked seen");
            }
        }
        finally
        {
            await node.StartBrokerAsync();
        }

        var bus = fetcher.GetRequiredService<IBusControl>();
        await Eventually.True(() => bus.CheckHealth().Status == BusHealthStatus.Healthy, "the fetcher's bus reconnected", TimeSpan.FromSeconds(30));
        var retry = await roles.RunFetchCycleAsync(source);

        retry.Published.Select(a => a.Url).ShouldBe([Url("c"), Url("d"), Url("e")]);
        retry.Outcomes.GetValueOrDefault("unchanged").ShouldBe(2);
        await using var reader = await AmqpProbe.ConnectAsync(node, vhost);
        var delivered = new List<string>();
        while (await reader.TryGetAsync(queue) is { } message)
        {
            using var json = JsonDocument.Parse(message.Body);
            delivered.Add(json.RootElement.GetProperty("url").GetString()!);
        }

        delivered.Order(StringComparer.Ordinal).ShouldBe(Pages.Select(Url), "every article exactly once on the exchange, across the outage");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // SQLite files of a host that is still closing; the temporary folder is cleaned by the system.
        }
    }
}
