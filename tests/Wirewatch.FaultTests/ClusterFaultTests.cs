using System.Globalization;
using Wirewatch.Contracts;
using Wirewatch.IntegrationTests;
using Xunit.Abstractions;

namespace Wirewatch.FaultTests;

/// <summary>
/// Fault cases on a private three-node RabbitMQ cluster (<see cref="RabbitMqCluster"/>): every worker process is given
/// every node, the consumer queues are quorum queues with a member on each. Same ledger line as the rest of the suite.
/// </summary>
[Collection("rabbitmq-cluster")]
[Trait("Category", "Fault")]
public sealed class ClusterFaultTests(RabbitMqCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan FlowDeadline = TimeSpan.FromMinutes(5);
    private static readonly string[] ConsumerQueues = [WireNames.CleanerQueue, WireNames.ClassifierQueue, WireNames.AlerterQueue];

    private static int ArticleCount =>
        int.TryParse(Environment.GetEnvironmentVariable("WIREWATCH_FAULT_ARTICLES"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 150;

    [Fact]
    public async Task The_node_leading_the_queues_killed_mid_flow_and_started_later_loses_and_doubles_nothing()
    {
        // Half the corpus is in the inbox at the start, the other half arrives after the kill: a corpus crosses the
        // pipeline in a second or two, faster than a node can be stopped, so this is what keeps the flow going across it.
        var arrivals = ArticleCount / 2;
        // RabbitMQ 3.10 may leave a surviving node's channel refusing every message for a queue whose leader died; the
        // worker holding it stops for a restart (RefusedPublishWatchdog), sooner here than the 60 s default.
        await using var run = await FaultRun.StartAsync(cluster, "rabbit-node-down", ArticleCount, new FaultRunOptions
        {
            WithheldArticles = arrivals,
            RoleSettings = new Dictionary<string, string> { ["Wirewatch__RabbitMq__RefusedPublishExitAfter"] = "00:00:20" },
        });
        var leaders = new List<RabbitMqNode>();
        foreach (var queue in ConsumerQueues)
        {
            (await cluster.MembersOfAsync(run.VirtualHost, queue)).Count.ShouldBe(RabbitMqCluster.Size, $"{queue} has a member on every node");
            leaders.Add(await cluster.LeaderOfAsync(run.VirtualHost, queue));
        }

        var leader = leaders.GroupBy(n => n).MaxBy(g => g.Count())!.Key;
        await run.WaitForProcessedAsync((ArticleCount - arrivals) / 3, FlowDeadline);
        // Killed (SIGKILL), the harder loss: no goodbye to its peers or clients.
        var processedAtStop = run.Processed;
        await leader.KillNodeAsync();
        try
        {
            while (await run.ReleaseNextAsync() is not null)
            {
            }

            // The flow goes on without the node: the fetcher publishes the arrivals to the survivors, and the
            // pipeline gets past what the first half alone would give, before the node comes back.
            await run.WaitForProcessedAsync(ArticleCount - arrivals + (arrivals / 2), FlowDeadline);
            (await cluster.LeaderOfAsync(run.VirtualHost, WireNames.CleanerQueue)).ShouldNotBe(leader, "a surviving node leads the cleaner queue");
        }
        finally
        {
            await leader.StartNodeAsync();
        }

        await FaultLedgers.AssertCleanAsync(run, output, FlowDeadline,
            () => $"killed-leader-of={leaders.Count(n => n == leader)}/3 processed-at-kill={processedAtStop} restarted={run.Restarted}");
    }
}
