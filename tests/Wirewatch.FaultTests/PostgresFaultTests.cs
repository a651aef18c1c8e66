using System.Globalization;
using Wirewatch.IntegrationTests;
using Wirewatch.Tests.Shared.Postgres;
using Xunit.Abstractions;

namespace Wirewatch.FaultTests;

/// <summary>
/// Fault cases with the four roles' state on a private PostgreSQL (<c>Wirewatch:State:Provider=Postgres</c>): the raised
/// alerts are read from its <c>story_alerts</c>. Same ledger line as the rest of the suite.
/// </summary>
[Collection("rabbitmq")]
[Trait("Category", "Fault")]
public sealed class PostgresFaultTests(RabbitMqNode node, PostgresCluster postgres, ITestOutputHelper output) : IClassFixture<PostgresCluster>
{
    private static readonly TimeSpan FlowDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);

    private static int ArticleCount =>
        int.TryParse(Environment.GetEnvironmentVariable("WIREWATCH_FAULT_ARTICLES"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 150;

    [Fact]
    public async Task PostgreSQL_down_for_five_seconds_mid_flow_loses_and_doubles_nothing()
    {
        // Half the corpus arrives during the outage: a corpus crosses the pipeline faster than the database can be
        // stopped, so this is what puts work in every role while PostgreSQL is away.
        var arrivals = ArticleCount / 2;
        var database = await postgres.CreateDatabaseAsync("postgresrestart");
        await using var run = await FaultRun.StartAsync(node, "postgres-restart", ArticleCount, new FaultRunOptions
        {
            PostgresState = database,
            WithheldArticles = arrivals,
        });

        await run.WaitForProcessedAsync((ArticleCount - arrivals) / 3, FlowDeadline);
        var processedAtStop = run.Processed;
        await postgres.StopAsync();
        int processedAtStart;
        try
        {
            while (await run.ReleaseNextAsync() is not null)
            {
            }

            await Task.Delay(Outage); // The outage itself: five seconds without a database.
        }
        finally
        {
            processedAtStart = run.Processed;
            await postgres.StartAsync();
        }

        var ledger = await FaultLedgers.AssertCleanAsync(run, output, FlowDeadline,
            () => FormattableString.Invariant($"outage={Outage.TotalSeconds:0}s processed-at-stop={processedAtStop} processed-at-start={processedAtStart}"));

        // A role that gave up on the outage would leave its queue to pile up after the run: every process still runs.
        run.Processes.Where(p => p.HasExited).Select(p => p.Role).ShouldBeEmpty($"every role outlives the outage: {ledger}{Environment.NewLine}{run.Diagnostics()}");
    }
}
