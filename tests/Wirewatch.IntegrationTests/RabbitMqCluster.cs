using System.Globalization;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// A private three-node RabbitMQ cluster on this machine, for one test collection: three <see cref="RabbitMqNode"/>s
/// (own names, ports and data folders) sharing a cookie and an epmd, the second and third joined to the first with
/// <c>join_cluster</c>. Quorum queues declared on it get a member on every node, so it survives the loss of any one.
/// </summary>
public sealed class RabbitMqCluster : IAsyncLifetime
{
    public const int Size = 3;

    private readonly ClusterMembership _membership = new(
        Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)), RabbitMqNode.FreePorts(1)[0]);

    public RabbitMqCluster()
    {
        Nodes = [.. Enumerable.Range(0, Size).Select(_ => new RabbitMqNode(_membership))];
    }

    public IReadOnlyList<RabbitMqNode> Nodes { get; }

    /// <summary><c>Wirewatch:RabbitMq:Hosts</c> for this cluster: every node's AMQP port on loopback.</summary>
    public string Hosts => string.Join(',', Nodes.Select(n => "127.0.0.1:" + n.AmqpPort.ToString(CultureInfo.InvariantCulture)));

    public async Task InitializeAsync()
    {
        try
        {
            // One at a time: three Erlang VMs booting at once on two cores start no faster, and time out more often.
            foreach (var node in Nodes)
            {
                await node.InitializeAsync();
            }

            foreach (var node in Nodes.Skip(1))
            {
                await node.CtlAsync("stop_app");
                await node.CtlAsync("join_cluster", Nodes[0].NodeName);
                await node.CtlAsync("start_app");
                await node.CtlAsync("await_startup");
            }

            var status = await Nodes[0].CtlAsync("cluster_status", "--formatter", "json");
            foreach (var node in Nodes)
            {
                if (!status.Contains(node.NodeName, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{node.NodeName} is not in the cluster: {status}");
                }
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A node that runs now, for <c>rabbitmqctl</c> while another is down.</summary>
    public RabbitMqNode RunningNode(RabbitMqNode? except = null) => Nodes.First(n => n != except && n.IsRunning);

    /// <summary>A fresh virtual host (cluster-wide) that <c>guest</c> may use.</summary>
    public Task<string> CreateVirtualHostAsync(string prefix) => RunningNode().CreateVirtualHostAsync(prefix);

    /// <summary>The node whose quorum queue member leads <paramref name="queue"/> now.</summary>
    public async Task<RabbitMqNode> LeaderOfAsync(string virtualHost, string queue)
    {
        var table = await RunningNode().CtlAsync("list_queues", "-p", virtualHost, "name", "leader", "--no-table-headers");
        var leader = table.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', StringSplitOptions.TrimEntries))
            .FirstOrDefault(row => row.Length == 2 && row[0] == queue)?[1]
            ?? throw new InvalidOperationException($"{queue} is not a queue of {virtualHost} with a leader: {table}");
        return Nodes.FirstOrDefault(n => n.NodeName == leader) ?? throw new InvalidOperationException($"{queue} is led by '{leader}', not a node of this cluster.");
    }

    /// <summary>The members of a quorum queue (node names), e.g. to check that it is replicated on every node.</summary>
    public async Task<IReadOnlyList<string>> MembersOfAsync(string virtualHost, string queue)
    {
        var table = await RunningNode().CtlAsync("list_queues", "-p", virtualHost, "name", "members", "--no-table-headers");
        var row = table.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', StringSplitOptions.TrimEntries))
            .FirstOrDefault(r => r.Length == 2 && r[0] == queue)
            ?? throw new InvalidOperationException($"{queue} is not a queue of {virtualHost}: {table}");
        return [.. Nodes.Select(n => n.NodeName).Where(name => row[1].Contains(name, StringComparison.Ordinal))];
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes.Reverse())
        {
            await node.DisposeAsync();
        }

        await RabbitMqNode.KillEpmdAsync(_membership.EpmdPort);
    }
}

[CollectionDefinition("rabbitmq-cluster")]
public sealed class RabbitMqClusterCollection : ICollectionFixture<RabbitMqCluster>;
