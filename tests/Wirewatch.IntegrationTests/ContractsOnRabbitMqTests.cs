using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;
using Wirewatch.Tests.Shared.Schemas;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// What a downstream service sees on a real broker: raw bodies valid against the shipped schemas, the
/// <c>wirewatch-schema</c> header, message ids that survive a republication, and the bindings of
/// <c>wirewatch.alerts.by-subscription</c>.
/// </summary>
[Collection("rabbitmq")]
[Trait("Category", "Integration")]
public sealed class ContractsOnRabbitMqTests(RabbitMqNode node) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const string SeedWithTwoTopics = "001_bd4a62882bf1d9c1.txt";

    private readonly string _work = Directory.CreateTempSubdirectory("wirewatch-it-contracts-").FullName;
    private LoopbackHttpServer _gone = null!;

    public async Task InitializeAsync() =>
        _gone = await LoopbackHttpServer.StartAsync(app => app.MapPost("/gone", () => Results.StatusCode(410)));

    public async Task DisposeAsync()
    {
        await _gone.DisposeAsync();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // SQLite files of a host that is still closing; the temporary folder is cleaned by the system.
        }
    }

    [SeedFact]
    public async Task Every_message_a_run_over_the_seeds_publishes_validates_raw_against_its_schema_with_header_and_derived_id()
    {
        var vhost = await node.CreateVirtualHostAsync("contracts");
        var source = Folder("wire", Directory.GetFiles(TestPaths.SeedsFolder, "*.txt").Select(f => (Path.GetFileName(f), File.ReadAllText(f)))
            .Append(("not-found.html", "<html><head><title>404 Not Found</title></head><body><h1>Page not found</h1></body></html>")));
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, new SourceCatalog([source]), Settings(withGoneWebhook: true), RoleHosts.AllRoles);
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        var queues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var exchange in WireSchemas.ByExchange.Keys.Where(e => e != WireNames.AlertsUnroutedExchange))
        {
            queues[exchange] = exchange == WireNames.AlertsBySubscriptionExchange
                ? await probe.BindPrivateQueueAsync(exchange, new Dictionary<string, object?> { ["x-match"] = "all" }) // No header: every alert.
                : await probe.BindPrivateQueueAsync(exchange, "#");
        }

        var alerter = HandledClassifications.Watch(roles);
        var cycle = await roles.RunFetchCycleAsync(source);

        // The alerter publishes (confirmed) before its handler returns: once it handled every article, all is there.
        await alerter.WaitForAsync(cycle.Published.Count - 1);
        var received = new Dictionary<string, List<ReceivedMessage>>(StringComparer.Ordinal);
        foreach (var (exchange, queue) in queues)
        {
            received[exchange] = [];
            while (await probe.TryGetAsync(queue) is { } m)
            {
                received[exchange].Add(m);
            }
        }

        received[WireNames.ArticlesFetchedExchange].Count.ShouldBe(cycle.Published.Count);
        received[WireNames.ArticlesRejectedExchange].Count.ShouldBe(1, "the not-found page");
        received[WireNames.ArticlesCleanedExchange].Count.ShouldBe(cycle.Published.Count - 1);
        received[WireNames.ArticlesClassifiedExchange].Count.ShouldBe(cycle.Published.Count - 1);
        received[WireNames.AlertsExchange].ShouldNotBeEmpty();
        received[WireNames.AlertsBySubscriptionExchange].Count.ShouldBe(received[WireNames.AlertsExchange].Count, "every alert once on each alert exchange");
        received[WireNames.AlertDeliveryFailedExchange].Count.ShouldBe(received[WireNames.AlertsExchange].Count(a => Subscription(a) == "nk-desk"),
            "the nk-desk webhook is gone: each of its alerts fails once");
        var problems = new List<string>();
        foreach (var (exchange, messages) in received)
        {
            foreach (var message in messages)
            {
                problems.AddRange(WireSchemas.Errors(WireSchemas.ByExchange[exchange], message.Text).Select(e => $"{exchange}: {e} in {message.Text[..Math.Min(100, message.Text.Length)]}"));
                // An AMQP integer, as docs/asyncapi.yaml says, not the string "1".
                if (message.Headers.GetValueOrDefault(WireHeaders.SchemaVersion) is not (int or long or short or sbyte) || Convert.ToInt32(message.Headers[WireHeaders.SchemaVersion], CultureInfo.InvariantCulture) != 1)
                {
                    problems.Add($"{exchange}: header {WireHeaders.SchemaVersion} is '{message.Headers.GetValueOrDefault(WireHeaders.SchemaVersion)}'");
                }

                var id = WireMessageIds.For(Deserialize(exchange, message.Body))?.ToString();
                if (!string.Equals(message.MessageId, id, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{exchange}: message-id {message.MessageId}, derived {id}");
                }

                foreach (var header in message.Headers.Keys.Where(h => !Documented(exchange, h)))
                {
                    problems.Add($"{exchange}: header {header} is not in docs/asyncapi.yaml");
                }

                if (!message.Persistent || message.ContentType != "application/json")
                {
                    problems.Add($"{exchange}: persistent={message.Persistent}, content-type={message.ContentType}");
                }
            }
        }

        problems.ShouldBeEmpty(string.Join(Environment.NewLine, problems.Take(20)));
    }

    [SeedFact]
    public async Task A_subscription_binding_gets_exactly_its_alerts_and_a_human_rights_binding_gets_seed_001_although_sanctions_ranks_first()
    {
        var vhost = await node.CreateVirtualHostAsync("by-subscription");
        var source = Folder("seed-001", [(SeedWithTwoTopics, File.ReadAllText(Path.Combine(TestPaths.SeedsFolder, SeedWithTwoTopics)))]);
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, new SourceCatalog([source]), Settings(withGoneWebhook: false), RoleHosts.AllRoles);
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        var nkDesk = await probe.BindPrivateQueueAsync(WireNames.AlertsBySubscriptionExchange,
            new Dictionary<string, object?> { ["x-match"] = "all", [WireHeaders.Subscription] = "nk-desk" });
        var humanRights = await probe.BindPrivateQueueAsync(WireNames.AlertsBySubscriptionExchange,
            new Dictionary<string, object?> { ["x-match"] = "all", [WireHeaders.TopicPrefix + "human_rights"] = WireHeaders.TopicMatched });
        var defenseHigh = await probe.BindPrivateQueueAsync(WireNames.AlertsBySubscriptionExchange,
            new Dictionary<string, object?> { ["x-match"] = "all", [WireHeaders.TopicPrefix + "defense"] = WireHeaders.TopicMatched });
        var byTopTopic = await probe.BindPrivateQueueAsync(WireNames.AlertsExchange, "human_rights.#");

        var alerter = HandledClassifications.Watch(roles);
        await roles.RunFetchCycleAsync(source);

        var all = await DrainAsync(probe, humanRights, 3, "alerts touching human rights");
        all.Select(a => Subscription(a)).Order(StringComparer.Ordinal).ShouldBe(["human-rights-monitor", "nk-desk", "sanctions-human-rights"]);
        var nk = all.Single(a => Subscription(a) == "nk-desk");
        using (var json = JsonDocument.Parse(nk.Body))
        {
            json.RootElement.GetProperty("topics")[0].GetProperty("topic").GetString().ShouldBe("sanctions", "seed 001 ranks sanctions first");
        }

        nk.Headers[WireHeaders.Subscription].ShouldBe("nk-desk");
        nk.RoutingKey.ShouldBe("");
        var onlyNk = await DrainAsync(probe, nkDesk, 1, "nk-desk's alerts");
        Subscription(onlyNk.Single()).ShouldBe("nk-desk");
        onlyNk.Single().MessageId.ShouldBe(nk.MessageId);
        (await probe.TryGetAsync(defenseHigh)).ShouldBeNull("no subscription has defense, so no alert matched it");
        var topTopic = await DrainAsync(probe, byTopTopic, 1, "human_rights.# on wirewatch.alerts");
        topTopic.Select(Subscription).ShouldBe(["human-rights-monitor"], "wirewatch.alerts keeps routing by the top topic only");

        // Nothing more arrives: the alerter handled the one article, publishing and confirming first.
        await alerter.WaitForAsync(1);
        (await probe.TryGetAsync(nkDesk)).ShouldBeNull("exactly nk-desk's one alert");
        (await probe.TryGetAsync(humanRights)).ShouldBeNull("no copy per topic");
    }

    [Fact]
    public async Task A_republished_article_and_a_redelivered_input_keep_their_message_ids_downstream()
    {
        var vhost = await node.CreateVirtualHostAsync("message-ids");
        var source = Folder("wire", [("001-sanctions.txt", TestArticles.SanctionsFreeze)]);
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        await using var first = await RoleHosts.StartAsync(node, vhost, Path.Combine(_work, "first"), new SourceCatalog([source]), RoleHosts.Fetcher, RoleHosts.Cleaner, RoleHosts.Classifier);
        var fetched = await probe.BindPrivateQueueAsync(WireNames.ArticlesFetchedExchange, "");
        var cleaned = await probe.BindPrivateQueueAsync(WireNames.ArticlesCleanedExchange, "");
        var classified = await probe.BindPrivateQueueAsync(WireNames.ArticlesClassifiedExchange, "");

        // A fetcher that crashed before recording its publication: a fresh state, the same article published again.
        await first.RunFetchCycleAsync(source);
        await using (var restarted = await RoleHosts.StartAsync(node, vhost, Path.Combine(_work, "restarted"), new SourceCatalog([source]), RoleHosts.Fetcher))
        {
            (await restarted.RunFetchCycleAsync(source)).Published.Count.ShouldBe(1);
        }

        var fetchedCopies = await DrainAsync(probe, fetched, 2, "the fetched article and its republication");
        var cleanedCopies = await DrainAsync(probe, cleaned, 2, "the cleaned article, once per copy of its input");
        var classifiedCopies = await DrainAsync(probe, classified, 2, "the classified article, once per copy");
        foreach (var (copies, stage) in new[] { (fetchedCopies, "fetched"), (cleanedCopies, "cleaned"), (classifiedCopies, "classified") })
        {
            copies.Select(c => c.MessageId).Distinct().ShouldHaveSingleItem($"both {stage} copies carry one id");
            using var json = JsonDocument.Parse(copies[0].Body);
            var article = json.RootElement.GetProperty("articleId").GetString();
            var key = stage == "classified"
                ? $"classified:{article}:1:{json.RootElement.GetProperty("classifierVersion").GetString()}"
                : $"{stage}:{article}:1";
            copies[0].MessageId.ShouldBe(WireMessageIds.FromKey(key).ToString(), $"the documented key {key}");
        }

        fetchedCopies.Concat(cleanedCopies).Concat(classifiedCopies).Select(c => c.MessageId).Distinct().Count().ShouldBe(3, "each stage's message has its own id");
    }

    [Fact]
    public async Task A_message_the_broker_redelivers_to_a_stage_is_published_again_under_the_same_message_id()
    {
        var vhost = await node.CreateVirtualHostAsync("redelivery");
        var source = Folder("redelivery-wire", [("001-sanctions.txt", TestArticles.SanctionsFreeze)]);
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        await using var roles = await RoleHosts.StartAsync(node, vhost, Path.Combine(_work, "redelivery-roles"), new SourceCatalog([source]), RoleHosts.Fetcher, RoleHosts.Cleaner);
        var cleaned = await probe.BindPrivateQueueAsync(WireNames.ArticlesCleanedExchange, "");
        var cleaner = HoldFirstFetched.Watch(roles);

        await roles.RunFetchCycleAsync(source);
        // The cleaner has cleaned and published the article (confirmed) and not yet acknowledged its input: its
        // connection drops, so the broker puts the input back and hands it to the reconnected cleaner, redelivered.
        await cleaner.Held.WaitAsync(Deadline);
        var closed = await CloseWorkerConnectionsAsync(vhost);
        cleaner.Release();

        var copies = await DrainAsync(probe, cleaned, 2, "the cleaned article, published again for the redelivered input");
        cleaner.Deliveries.ShouldBe([false, true], $"the first delivery, then the broker's redelivery (closed {closed} connection(s))");
        using var json = JsonDocument.Parse(copies[0].Body);
        var key = $"cleaned:{json.RootElement.GetProperty("articleId").GetString()}:1";
        copies.Select(c => c.MessageId).ShouldAllBe(id => id == WireMessageIds.FromKey(key).ToString(), $"both copies carry the id of {key}");
        using var second = JsonDocument.Parse(copies[1].Body);
        foreach (var field in new[] { "articleId", "version", "storyId", "headline" })
        {
            second.RootElement.GetProperty(field).GetRawText().ShouldBe(json.RootElement.GetProperty(field).GetRawText(), $"the same article ({field}): a consumer may drop the copy by its id");
        }
    }

    /// <summary>Closes every connection of <paramref name="virtualHost"/> but the probe's (whose private queues would go with it).</summary>
    private async Task<int> CloseWorkerConnectionsAsync(string virtualHost)
    {
        var workers = (await node.CtlAsync("list_connections", "pid", "vhost", "client_properties", "--no-table-headers"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(row => row.Length >= 3 && row[1] == virtualHost && !row[2].Contains("wirewatch-integration-probe", StringComparison.Ordinal))
            .Select(row => row[0])
            .ToList();
        workers.ShouldNotBeEmpty("the workers' connections");
        foreach (var pid in workers)
        {
            await node.CtlAsync("close_connection", pid, "integration test: a worker's connection dropped before its acknowledgement");
        }

        return workers.Count;
    }

    /// <summary>
    /// Holds the cleaner's first <see cref="ArticleFetched"/> after its consumer ran (the cleaned article published and
    /// confirmed) and before the broker is acknowledged, until <see cref="Release"/>; records each delivery's redelivered flag.
    /// </summary>
    private sealed class HoldFirstFetched : MassTransit.IConsumeObserver
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Collections.Concurrent.ConcurrentQueue<bool> _deliveries = new();

        public static HoldFirstFetched Watch(RoleHosts roles)
        {
            var observer = new HoldFirstFetched();
            roles[RoleHosts.Cleaner].Services.GetRequiredService<MassTransit.IBus>().ConnectConsumeObserver(observer);
            return observer;
        }

        public Task Held => _held.Task;

        public IReadOnlyList<bool> Deliveries => [.. _deliveries];

        public void Release() => _released.TrySetResult();

        // Before the consumer runs, so the flag is recorded before the cleaned copy it publishes can be read.
        public Task PreConsume<T>(MassTransit.ConsumeContext<T> context) where T : class
        {
            if (context.Message is ArticleFetched)
            {
                _deliveries.Enqueue(context.ReceiveContext.Redelivered);
            }

            return Task.CompletedTask;
        }

        public async Task PostConsume<T>(MassTransit.ConsumeContext<T> context) where T : class
        {
            if (context.Message is ArticleFetched && _held.TrySetResult())
            {
                await _released.Task;
            }
        }

        public Task ConsumeFault<T>(MassTransit.ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }

    /// <summary>MassTransit's own headers, as docs/asyncapi.yaml's <c>transportHeaders</c> lists them (not a contract, but documented).</summary>
    private static readonly HashSet<string> TransportHeaders =
        new(
        [
            "MessageId", "ConversationId", "MT-Activity-Id", "MT-Activity-Correlation-Context", "CorrelationId", "InitiatorId", "MT-Host-Info",
            "MT-MessageType", "MT-Source-Address", "x-dotnet-pub-seq-no",
        ], StringComparer.Ordinal);

    /// <summary>Whether docs/asyncapi.yaml describes a header seen on <paramref name="exchange"/>.</summary>
    private static bool Documented(string exchange, string header) =>
        TransportHeaders.Contains(header)
        || header == WireHeaders.SchemaVersion
        || (exchange == WireNames.AlertsBySubscriptionExchange
            && (header is WireHeaders.Subscription or WireHeaders.Severity || header.StartsWith(WireHeaders.TopicPrefix, StringComparison.Ordinal)));

    private static object Deserialize(string exchange, byte[] body) => exchange switch
    {
        WireNames.ArticlesFetchedExchange => JsonSerializer.Deserialize<ArticleFetched>(body, WireJson.Options)!,
        WireNames.ArticlesCleanedExchange => JsonSerializer.Deserialize<ArticleCleaned>(body, WireJson.Options)!,
        WireNames.ArticlesClassifiedExchange => JsonSerializer.Deserialize<ArticleClassified>(body, WireJson.Options)!,
        WireNames.ArticlesRejectedExchange => JsonSerializer.Deserialize<ArticleRejected>(body, WireJson.Options)!,
        WireNames.AlertDeliveryFailedExchange => JsonSerializer.Deserialize<AlertDeliveryFailed>(body, WireJson.Options)!,
        _ => JsonSerializer.Deserialize<AlertRaised>(body, WireJson.Options)!,
    };

    private static string Subscription(ReceivedMessage message)
    {
        using var json = JsonDocument.Parse(message.Body);
        return json.RootElement.GetProperty("subscriptionId").GetString()!;
    }

    private static async Task<List<ReceivedMessage>> DrainAsync(AmqpProbe probe, string queue, int count, string what)
    {
        var messages = new List<ReceivedMessage>();
        await Eventually.True(async () =>
        {
            while (messages.Count < count && await probe.TryGetAsync(queue) is { } m)
            {
                messages.Add(m);
            }

            return messages.Count >= count;
        }, what, Deadline, () => $"{messages.Count} of {count}");
        return messages;
    }

    /// <summary>Counts the classified articles the alerter host's consumer has finished with (publications confirmed).</summary>
    private sealed class HandledClassifications : MassTransit.IConsumeObserver
    {
        private int _handled;

        public static HandledClassifications Watch(RoleHosts roles)
        {
            var observer = new HandledClassifications();
            roles[RoleHosts.Alerter].Services.GetRequiredService<MassTransit.IBus>().ConnectConsumeObserver(observer);
            return observer;
        }

        public Task WaitForAsync(int count) =>
            Eventually.True(() => Volatile.Read(ref _handled) >= count, $"the alerter to handle {count} article(s)", Deadline, () => $"{_handled} handled");

        public Task PostConsume<T>(MassTransit.ConsumeContext<T> context) where T : class
        {
            if (context.Message is ArticleClassified)
            {
                Interlocked.Increment(ref _handled);
            }

            return Task.CompletedTask;
        }

        public Task PreConsume<T>(MassTransit.ConsumeContext<T> context) where T : class => Task.CompletedTask;
        public Task ConsumeFault<T>(MassTransit.ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }

    private Dictionary<string, string?> Settings(bool withGoneWebhook)
    {
        Environment.SetEnvironmentVariable("WIREWATCH_IT_CONTRACTS_SECRET", "whsec_" + Convert.ToBase64String(new byte[32]));
        var webhook = withGoneWebhook
            ? $$""", { "type": "webhook", "url": "{{_gone.Url("gone")}}", "secretEnv": "WIREWATCH_IT_CONTRACTS_SECRET" }"""
            : "";
        var file = Path.Combine(_work, $"subscriptions-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, $$"""
            { "subscriptions": [
              { "id": "human-rights-monitor", "topics": ["human_rights"], "channels": [ { "type": "bus" } ] },
              { "id": "nk-desk", "topics": ["sanctions", "human_rights"], "channels": [ { "type": "bus" }{{webhook}} ] }
              {{(withGoneWebhook ? "" : """, { "id": "sanctions-human-rights", "topics": ["human_rights", "sanctions"], "match": "all", "channels": [ { "type": "bus" } ] }""")}}
            ] }
            """);
        return new Dictionary<string, string?> { ["Wirewatch:SubscriptionsFile"] = file, ["Wirewatch:Alerts:Webhook:Retries"] = "0" };
    }

    private SourceDefinition Folder(string name, IEnumerable<(string File, string Content)> files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, name)).FullName;
        foreach (var (file, content) in files)
        {
            File.WriteAllText(Path.Combine(folder, file), content);
        }

        return new SourceDefinition { Id = "test-" + name, Kind = SourceKinds.Directory, Path = folder };
    }
}
