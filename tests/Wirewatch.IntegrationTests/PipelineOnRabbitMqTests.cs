using System.Text.Json;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.Tests.Shared;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// The pipeline on a real broker: role hosts composed as deployments are, talking only through RabbitMQ, watched by a
/// plain AMQP client as a downstream service would. Each test works in its own virtual host and data folders.
/// </summary>
[Collection("rabbitmq")]
[Trait("Category", "Integration")]
public sealed class PipelineOnRabbitMqTests(RabbitMqNode node) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly string[] WirewatchQueues = [WireNames.CleanerQueue, WireNames.ClassifierQueue, WireNames.AlerterQueue];

    private readonly string _work = Directory.CreateTempSubdirectory("wirewatch-it-").FullName;

    [Fact]
    public async Task A_sanctions_article_crosses_four_role_hosts_and_reaches_only_the_sanctions_binding()
    {
        var vhost = await node.CreateVirtualHostAsync("flow");
        var source = WriteSource(TestArticles.SanctionsFreeze);
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        await probe.DeclareExchangeAsync(WireNames.AlertsExchange, "topic");
        var sanctions = await probe.BindPrivateQueueAsync(WireNames.AlertsExchange, "sanctions.#");
        var humanRights = await probe.BindPrivateQueueAsync(WireNames.AlertsExchange, "human_rights.#");
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, new SourceCatalog([source]), RoleHosts.AllRoles);

        var cycle = await roles.RunFetchCycleAsync(source);

        cycle.Published.Count.ShouldBe(1, "the fetcher publishes the one article of the folder");
        var alert = await probe.GetAsync(sanctions, Deadline, "the sanctions.# binding of wirewatch.alerts");
        alert.ContentType.ShouldBe("application/json");
        alert.RoutingKey.ShouldStartWith("sanctions.");
        using (var json = JsonDocument.Parse(alert.Body))
        {
            var body = json.RootElement;
            body.ValueKind.ShouldBe(JsonValueKind.Object, $"a plain JSON object, no envelope: {alert.Text}");
            body.GetProperty("subscriptionId").GetString().ShouldBe("sanctions-desk");
            body.GetProperty("topics")[0].GetProperty("topic").GetString().ShouldBe("sanctions");
            body.GetProperty("alertId").GetString().ShouldNotBeNullOrWhiteSpace();
            body.GetProperty("headline").GetString().ShouldBe("Seoul freezes assets of shipping firms accused of breaching coal export ban");
            alert.RoutingKey.ShouldBe($"sanctions.{body.GetProperty("severity").GetString()}");
        }

        // Every alert the article raises is published (and confirmed) before the alerter acknowledges it, so once the
        // queues are empty, anything else that was going to arrive has arrived.
        await WaitUntilDrainedAsync(vhost);
        (await probe.TryGetAsync(sanctions)).ShouldBeNull("exactly one alert for the sanctions desk");
        (await probe.TryGetAsync(humanRights)).ShouldBeNull("the article is not about human rights");
    }

    [Fact]
    public async Task Role_hosts_declare_the_documented_exchanges_durable_queues_and_bindings()
    {
        var vhost = await node.CreateVirtualHostAsync("topology");
        var source = WriteSource(TestArticles.SanctionsFreeze);
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, new SourceCatalog([source]), RoleHosts.AllRoles);

        var exchanges = Rows(await node.CtlAsync("list_exchanges", "-p", vhost, "name", "type", "--no-table-headers"))
            .ToDictionary(r => r[0], r => r[1]);
        var queues = Rows(await node.CtlAsync("list_queues", "-p", vhost, "name", "durable", "--no-table-headers"))
            .ToDictionary(r => r[0], r => r[1]);
        var bindings = Rows(await node.CtlAsync("list_bindings", "-p", vhost, "source_name", "destination_name", "destination_kind", "--no-table-headers"))
            .Where(r => r[0].Length > 0) // The default exchange binds every queue; it says nothing about routing.
            .Select(r => new Binding(r[0], r[1], r[2]))
            .ToList();

        exchanges.GetValueOrDefault(WireNames.ArticlesFetchedExchange).ShouldBe("fanout", Describe(exchanges));
        exchanges.GetValueOrDefault(WireNames.ArticlesCleanedExchange).ShouldBe("fanout", Describe(exchanges));
        exchanges.GetValueOrDefault(WireNames.ArticlesClassifiedExchange).ShouldBe("fanout", Describe(exchanges));
        exchanges.GetValueOrDefault(WireNames.AlertsExchange).ShouldBe("topic", Describe(exchanges));
        exchanges.GetValueOrDefault(WireNames.ArticlesRejectedExchange).ShouldBe("fanout", Describe(exchanges));
        // Declared at start, so a service can bind to one subscription before the first alert.
        exchanges.GetValueOrDefault(WireNames.AlertsBySubscriptionExchange).ShouldBe("headers", Describe(exchanges));
        exchanges.GetValueOrDefault(WireNames.AlertDeliveryFailedExchange).ShouldBe("fanout", Describe(exchanges));
        // An alert no binding routes is kept in wirewatch.alerts.unrouted, the alerts exchange's alternate exchange.
        exchanges.GetValueOrDefault(WireNames.AlertsUnroutedExchange).ShouldBe("fanout", Describe(exchanges));
        (await node.CtlAsync("list_exchanges", "-p", vhost, "name", "arguments", "--no-table-headers"))
            .Split('\n').Single(line => line.StartsWith(WireNames.AlertsExchange + "\t", StringComparison.Ordinal))
            .ShouldContain("alternate-exchange");
        queues.GetValueOrDefault(WireNames.AlertsUnroutedExchange).ShouldBe("true", Describe(queues));
        (await node.CtlAsync("list_queues", "-p", vhost, "name", "arguments", "--no-table-headers"))
            .Split('\n').Single(line => line.StartsWith(WireNames.AlertsUnroutedExchange + "\t", StringComparison.Ordinal))
            .ShouldContain("x-max-length", Case.Sensitive, "the unrouted alerts queue is capped, so it cannot fill the broker's disk");
        foreach (var queue in WirewatchQueues)
        {
            queues.GetValueOrDefault(queue).ShouldBe("true", $"{queue} must exist and be durable; queues: {Describe(queues)}");
        }

        RoutesTo(bindings, WireNames.ArticlesFetchedExchange, WireNames.CleanerQueue).ShouldBeTrue(Describe(bindings));
        RoutesTo(bindings, WireNames.ArticlesCleanedExchange, WireNames.ClassifierQueue).ShouldBeTrue(Describe(bindings));
        RoutesTo(bindings, WireNames.ArticlesClassifiedExchange, WireNames.AlerterQueue).ShouldBeTrue(Describe(bindings));
        RoutesTo(bindings, WireNames.AlertsUnroutedExchange, WireNames.AlertsUnroutedExchange).ShouldBeTrue(Describe(bindings));
    }

    [Fact]
    public async Task A_sanctions_binding_receives_exactly_the_sanctions_alerts_once_each_with_the_lead_update()
    {
        var vhost = await node.CreateVirtualHostAsync("idempotency");
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        await probe.DeclareExchangeAsync(WireNames.AlertsExchange, "topic");
        var sanctions = await probe.BindPrivateQueueAsync(WireNames.AlertsExchange, "sanctions.#");
        var defense = await probe.BindPrivateQueueAsync(WireNames.AlertsExchange, "defense.#");
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, null, RoleHosts.Alerter);

        // What a Python or shell producer sends: JSON objects in the documented shape, no MassTransit envelope or headers.
        var story = Guid.NewGuid().ToString("N")[..16];
        var first = Classified(story, version: 1, topic: "sanctions", score: 0.75);
        await probe.PublishJsonAsync(WireNames.ArticlesClassifiedExchange, "", first);
        await probe.PublishJsonAsync(WireNames.ArticlesClassifiedExchange, "", first); // Redelivered.
        await probe.PublishJsonAsync(WireNames.ArticlesClassifiedExchange, "", Classified(story, version: 2, topic: "sanctions", score: 0.78)); // Adds nothing.
        await probe.PublishJsonAsync(WireNames.ArticlesClassifiedExchange, "", Classified(story + "-d", version: 1, topic: "defense", score: 0.9));
        await WaitUntilDrainedAsync(vhost, WireNames.AlerterQueue);
        await probe.PublishJsonAsync(WireNames.ArticlesClassifiedExchange, "", Classified(story, version: 3, topic: "sanctions", score: 0.93)); // (LEAD), now high.

        var alert = await probe.GetAsync(sanctions, Deadline, "the first sanctions alert");
        var update = await probe.GetAsync(sanctions, Deadline, "the sanctions update");
        alert.RoutingKey.ShouldBe("sanctions.medium");
        update.RoutingKey.ShouldBe("sanctions.high");
        using (var json = JsonDocument.Parse(alert.Body))
        {
            json.RootElement.GetProperty("alertId").GetString().ShouldBe($"sanctions-desk:{story}");
            json.RootElement.GetProperty("isUpdate").GetBoolean().ShouldBeFalse();
        }

        using (var json = JsonDocument.Parse(update.Body))
        {
            json.RootElement.GetProperty("alertId").GetString().ShouldBe($"sanctions-desk:{story}:u1");
            json.RootElement.GetProperty("isUpdate").GetBoolean().ShouldBeTrue();
            json.RootElement.GetProperty("updatesAlertId").GetString().ShouldBe($"sanctions-desk:{story}");
        }

        (await probe.GetAsync(defense, Deadline, "the defense alert")).RoutingKey.ShouldBe("defense.high");
        await WaitUntilDrainedAsync(vhost, WireNames.AlerterQueue);
        (await probe.TryGetAsync(sanctions)).ShouldBeNull("exactly the two sanctions alerts: no copy, no alert for a version that adds nothing");
        (await probe.TryGetAsync(defense)).ShouldBeNull("one defense alert");
    }

    private static string Classified(string story, int version, string topic, double score) => $$"""
        {
          "articleId": "{{story}}", "version": {{version}}, "storyId": "{{story}}", "sourceId": "external-wire",
          "url": "https://wire.example/articles/{{story}}", "producedAt": "2025-03-03T01:45:00Z",
          "headline": "Customs agency blacklists tanker over {{topic}} breach", "flags": [],
          "publishedAt": "2025-03-03T10:40:00+09:00", "summary": "A tanker was blacklisted.",
          "topics": [
            { "topic": "{{topic}}", "score": {{score.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "match": true,
              "evidence": [ { "term": "{{topic}}", "count": 2, "snippet": "A tanker was blacklisted." } ] },
            { "topic": "human_rights", "score": 0.0, "match": false, "evidence": [] }
          ],
          "entities": { "people": [], "organizations": [], "places": [], "resolutions": [] },
          "classifierVersion": "external-1"
        }
        """;

    [Fact]
    public async Task A_second_fetch_cycle_over_the_same_folder_publishes_nothing()
    {
        var vhost = await node.CreateVirtualHostAsync("seen");
        var source = WriteSource(TestArticles.SanctionsFreeze);
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        await probe.DeclareExchangeAsync(WireNames.ArticlesFetchedExchange, "fanout");
        var fetched = await probe.BindPrivateQueueAsync(WireNames.ArticlesFetchedExchange, "");
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, new SourceCatalog([source]), RoleHosts.Fetcher);

        var first = await roles.RunFetchCycleAsync(source);
        var second = await roles.RunFetchCycleAsync(source);

        first.Published.Count.ShouldBe(1);
        second.Published.ShouldBeEmpty();
        second.Outcomes.GetValueOrDefault("unchanged").ShouldBe(1);
        // Publications are confirmed by the broker before a cycle returns: what was routed is in the queue now.
        var message = await probe.GetAsync(fetched, Deadline, "wirewatch.articles.fetched");
        using (var json = JsonDocument.Parse(message.Body))
        {
            json.RootElement.GetProperty("articleId").GetString().ShouldBe(first.Published[0].ArticleId);
        }

        (await probe.TryGetAsync(fetched)).ShouldBeNull("the second cycle saw the article in the seen-store and published nothing");
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

    private SourceDefinition WriteSource(string article)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, "wire")).FullName;
        File.WriteAllText(Path.Combine(folder, "001-sanctions.txt"), article);
        return new SourceDefinition { Id = "test-wire", Kind = SourceKinds.Directory, Path = folder };
    }

    /// <summary>Polls <c>rabbitmqctl list_queues</c> until the queues hold no ready and no unacknowledged messages.</summary>
    private async Task WaitUntilDrainedAsync(string vhost, params string[] queues)
    {
        queues = queues.Length > 0 ? queues : WirewatchQueues;
        List<string[]> rows = [];
        await Eventually.True(
            async () =>
            {
                rows = Rows(await node.CtlAsync("list_queues", "-p", vhost, "name", "messages_ready", "messages_unacknowledged", "--no-table-headers"))
                    .Where(r => queues.Contains(r[0]))
                    .ToList();
                return rows.Count == queues.Length && rows.All(r => r[1] == "0" && r[2] == "0");
            },
            $"queues {string.Join(", ", queues)} drained",
            Deadline,
            () => Describe(rows.Select(r => string.Join(' ', r))));
    }

    /// <summary>The exchange routes to the queue directly, or through an exchange named after the queue (MassTransit's way).</summary>
    private static bool RoutesTo(List<Binding> bindings, string exchange, string queue) =>
        bindings.Contains(new Binding(exchange, queue, "queue"))
        || (bindings.Contains(new Binding(exchange, queue, "exchange")) && bindings.Contains(new Binding(queue, queue, "queue")));

    private sealed record Binding(string Source, string Destination, string DestinationKind);

    private static IEnumerable<string[]> Rows(string table) =>
        table.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t')); // Not trimmed: the default exchange's name is the empty first column.

    private static string Describe<T>(IEnumerable<T> items) => string.Join("; ", items);
}
