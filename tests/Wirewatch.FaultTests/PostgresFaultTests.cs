using System.Globalization;
using Npgsql;
using Wirewatch.Tests.Shared.Load;
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

    [Fact]
    public async Task One_storys_versions_reaching_three_cleaners_at_once_get_one_story_id_and_one_alert_per_subscription()
    {
        // A story's first version, a reprint of the same text and a (LEAD) update with one more paragraph, written to the
        // inbox together: one fetch cycle publishes them back to back, and three cleaners take one each.
        var original = SyntheticArticles.Create(1, seed: 4242)[0];
        SyntheticArticles.Article[] versions =
        [
            original with { Index = 100_000, FileName = "story-original.txt" },
            original with { Index = 100_001, FileName = "story-reprint.txt" },
            SyntheticArticles.LeadUpdate(original, 100_002, "story-lead.txt"),
        ];
        var database = await postgres.CreateDatabaseAsync("cleanerrace");
        await using var run = await FaultRun.StartAsync(node, "cleaner-race", ArticleCount, new FaultRunOptions
        {
            PostgresState = database,
            Cleaners = 3,
            ExtraArticles = versions,
            KeepCleanedBodies = true,
        });

        var ledger = await FaultLedgers.AssertCleanAsync(run, output, FlowDeadline, () => $"cleaners=3 versions={versions.Length}");

        var stories = run.CleanedStories.Where(c => versions.Any(v => c.Url.EndsWith("/" + v.FileName, StringComparison.Ordinal))).ToList();
        stories.Select(c => c.Url).Distinct().Count().ShouldBe(versions.Length, $"every version was cleaned: {ledger}");
        var storyId = stories.Select(c => c.StoryId).Distinct().ShouldHaveSingleItem($"every version got the same story id: {string.Join(", ", stories)}");
        storyId.ShouldNotBeNull();

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT subscription_id, count(*) FROM story_alerts WHERE story_id = @story GROUP BY subscription_id", connection);
        command.Parameters.AddWithValue("story", storyId);
        var alerts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                alerts[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        // The update adds no topic and raises no severity, so no :u<n> alert either.
        alerts.ShouldNotBeEmpty($"the story alerted: {ledger}");
        alerts.Values.ShouldAllBe(n => n == 1, $"one alert per subscription for the story: {string.Join(", ", alerts)}");
    }
}
