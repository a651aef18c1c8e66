using System.Globalization;
using Wirewatch.Contracts;
using Wirewatch.IntegrationTests;
using Wirewatch.Tests.Shared;
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
        await using var run = await FaultRun.StartAsync(cluster, "rabbit-node-down", ArticleCount);
        var leaders = new List<RabbitMqNode>();
        foreach (var queue in ConsumerQueues)
        {
            (await cluster.MembersOfAsync(run.VirtualHost, queue)).Count.ShouldBe(RabbitMqCluster.Size, $"{queue} has a member on every node");
            leaders.Add(await cluster.LeaderOfAsync(run.VirtualHost, queue));
        }

        var leader = leaders.GroupBy(n => n).MaxBy(g => g.Count())!.Key;
        // The corpus crosses the pipeline in about a second once published, so the node goes as soon as the flow
        // starts, and killed rather than stopped: `rabbitmqctl stop` takes seconds to boot its own VM on a loaded
        // machine, by which time the flow is over. A kill lands where the flow is, and is the harder loss.
        await Eventually.True(() => run.Fetched > 0, "the first articles published", FlowDeadline, run.Diagnostics);
        var processedAtStop = run.Processed;
        await leader.KillNodeAsync();
        processedAtStop.ShouldBeLessThan(ArticleCount, "the node went down mid-flow, with articles still to process");
        try
        {
            // The flow goes on without the node: well past where it stopped, before it comes back.
            await run.WaitForProcessedAsync(Math.Min(ArticleCount, processedAtStop + (ArticleCount / 5)), FlowDeadline);
            (await cluster.LeaderOfAsync(run.VirtualHost, WireNames.CleanerQueue)).ShouldNotBe(leader, "a surviving node leads the cleaner queue");
        }
        finally
        {
            await leader.StartNodeAsync();
        }

        await FaultLedgers.AssertCleanAsync(run, output, FlowDeadline,
            () => $"killed-leader-of={leaders.Count(n => n == leader)}/3 processed-at-kill={processedAtStop}");
    }
}
