using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Load;
using Xunit.Abstractions;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// The pipeline on a three-node cluster: role hosts given every node (<c>Wirewatch:RabbitMq:Hosts</c>), quorum queues
/// replicated on all three, and the node that leads the consumer queues stopped mid-flow and started again later.
/// </summary>
[Collection("rabbitmq-cluster")]
[Trait("Category", "Integration")]
public sealed class RabbitMqClusterTests(RabbitMqCluster cluster, ITestOutputHelper output) : IDisposable
{
    private const int ArticlesPerCycle = 30;
    private static readonly TimeSpan FlowDeadline = TimeSpan.FromMinutes(3);
    private static readonly string[] ConsumerQueues = [WireNames.CleanerQueue, WireNames.ClassifierQueue, WireNames.AlerterQueue];

    private readonly string _work = Directory.CreateTempSubdirectory("wirewatch-cluster-").FullName;

    [Fact]
    public async Task When_the_node_leading_the_consumer_queues_stops_mid_flow_nothing_is_lost_or_alerted_twice()
    {
        var vhost = await cluster.CreateVirtualHostAsync("cluster");
        var articles = SyntheticArticles.Create(2 * ArticlesPerCycle, seed: 15);
        var inbox = Directory.CreateDirectory(Path.Combine(_work, "inbox")).FullName;
        var source = new SourceDefinition { Id = "cluster-wire", Kind = SourceKinds.Directory, Path = inbox };

        // The ledger: quorum queues of its own, over a connection that moves to another node when its node goes.
        var factory = new ConnectionFactory
        {
            VirtualHost = vhost, UserName = "guest", Password = "guest",
            AutomaticRecoveryEnabled = true, TopologyRecoveryEnabled = true, NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
        };
        await using var connection = await factory.CreateConnectionAsync(cluster.Nodes.Select(n => new AmqpTcpEndpoint("127.0.0.1", n.AmqpPort)).ToList(), "wirewatch-cluster-ledger");
        await using var classified = await AmqpRecorder.StartAsync(connection, WireNames.ArticlesClassifiedExchange, ExchangeType.Fanout, keepBodies: false, "it-classified", quorum: true);
        await using var rejected = await AmqpRecorder.StartAsync(connection, WireNames.ArticlesRejectedExchange, ExchangeType.Fanout, keepBodies: false, "it-rejected", quorum: true);
        await using var alerts = await AmqpRecorder.StartAsync(connection, WireNames.AlertsExchange, ExchangeType.Topic, keepBodies: false, "it-alerts", copyKey: "alertId", quorum: true);
        int Processed() => classified.Articles + rejected.Articles;

        var settings = new Dictionary<string, string?> { ["Wirewatch:Fetcher:MinHostInterval"] = "00:00:00", ["Wirewatch:Fetcher:PublishTimeout"] = "00:00:05" };
        await using var roles = await RoleHosts.StartAsync(cluster, vhost, _work, new SourceCatalog([source]), settings, RoleHosts.AllRoles);
        foreach (var queue in ConsumerQueues)
        {
            (await cluster.MembersOfAsync(vhost, queue)).Count.ShouldBe(RabbitMqCluster.Size, $"{queue} is a quorum queue with a member on every node");
        }

        var leaders = new List<RabbitMqNode>();
        foreach (var queue in ConsumerQueues)
        {
            leaders.Add(await cluster.LeaderOfAsync(vhost, queue));
        }

        var leader = leaders.GroupBy(n => n).MaxBy(g => g.Count())!.Key;
        await WriteAsync(inbox, articles.Take(ArticlesPerCycle));
        (await roles.RunFetchCycleAsync(source)).Published.Count.ShouldBe(ArticlesPerCycle);
        await Eventually.True(() => Processed() >= ArticlesPerCycle / 3, "a third of the first articles through the pipeline", FlowDeadline);

        await leader.StopNodeAsync();
        try
        {
            output.WriteLine($"stopped {leader.NodeName} (leader of {leaders.Count(n => n == leader)} of 3 consumer queues) after {Processed()} articles");

            // The producer side on the surviving nodes: the fetcher's bus reconnects and publishes the second half. A
            // cycle started while it reconnects fails without marking what was not confirmed; the next one publishes it.
            await WriteAsync(inbox, articles.Skip(ArticlesPerCycle));
            var published = 0;
            await Eventually.True(async () =>
            {
                try
                {
                    published += (await roles.RunFetchCycleAsync(source)).Published.Count;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    output.WriteLine($"fetch cycle during the failover: {e.GetType().Name}: {e.Message}");
                }

                return published >= ArticlesPerCycle;
            }, "the second half published to the surviving nodes", FlowDeadline);
            published.ShouldBe(ArticlesPerCycle, "each article of the second half published once");

            await Eventually.True(() => Processed() == articles.Count, "every article classified or rejected with a node down", FlowDeadline,
                () => $"{Processed()} of {articles.Count}");
            (await cluster.LeaderOfAsync(vhost, WireNames.CleanerQueue)).ShouldNotBe(leader, "a surviving node leads now");
        }
        finally
        {
            await leader.StartNodeAsync();
        }

        // Raised alerts (the alerter's ledger) must all reach wirewatch.alerts, each under one message id.
        var raised = RaisedAlertIds();
        var queues = "";
        await Eventually.True(async () =>
            {
                queues = await cluster.RunningNode().CtlAsync("list_queues", "-p", vhost, "name", "messages", "consumers", "leader", "--no-table-headers");
                return (raised = RaisedAlertIds()).All(alerts.Copies.ContainsKey);
            },
            "every raised alert on wirewatch.alerts", FlowDeadline,
            () => $"{raised.Except(alerts.Copies.Keys).Count()} of {raised.Count} missing, e.g. {string.Join(", ", raised.Except(alerts.Copies.Keys).Take(3))}; queues:\n{queues}");
        await Eventually.True(async () => (await cluster.MembersOfAsync(vhost, WireNames.CleanerQueue)).Count == RabbitMqCluster.Size,
            "the restarted node back among the cleaner queue's members", FlowDeadline);

        output.WriteLine($"processed={Processed()} classified={classified.Articles} rejected={rejected.Articles} raised={raised.Count} alerts={alerts.Copies.Count} redelivered={alerts.RawCopies.Values.Sum(c => c - 1)}");
        (classified.Articles + rejected.Articles).ShouldBe(articles.Count, "no article lost");
        raised.Count.ShouldBeGreaterThan(articles.Count / 2, "most synthetic articles alert");
        alerts.Copies.Where(c => c.Value > 1).Select(c => c.Key).ShouldBeEmpty("no alert published twice (under two message ids)");
        alerts.Copies.Keys.Order(StringComparer.Ordinal).ShouldBe(raised.Order(StringComparer.Ordinal), "the alerts on the bus are exactly the alerts raised");
    }

    private static async Task WriteAsync(string folder, IEnumerable<SyntheticArticles.Article> articles)
    {
        foreach (var article in articles)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, article.FileName), article.Text);
        }
    }

    private HashSet<string> RaisedAlertIds()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_work, "data-" + RoleHosts.Alerter, "wirewatch.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT alert_id FROM story_alerts";
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
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
