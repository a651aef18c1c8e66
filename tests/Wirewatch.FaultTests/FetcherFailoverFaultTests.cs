using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Wirewatch.IntegrationTests;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Postgres;
using Xunit.Abstractions;

namespace Wirewatch.FaultTests;

/// <summary>
/// Two fetchers share one clustered Quartz schedule on a private PostgreSQL (<c>Wirewatch:State:Provider=Postgres</c>);
/// the one running the inbox source's job is killed with SIGKILL mid-cycle. The other must recover the job, keep the
/// source on schedule (new articles published within two intervals of arriving) and never publish one content under two
/// versions. Same ledger line as the rest of the suite.
/// </summary>
[Collection("rabbitmq")]
[Trait("Category", "Fault")]
public sealed class FetcherFailoverFaultTests(RabbitMqNode node, PostgresCluster postgres, ITestOutputHelper output) : IClassFixture<PostgresCluster>
{
    private const int Arrivals = 6;
    private static readonly TimeSpan FlowDeadline = TimeSpan.FromMinutes(5);

    // Long enough that a dead fetcher's job is recovered (its check-ins stop; about 10-20 s) inside two intervals.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private static int ArticleCount =>
        int.TryParse(Environment.GetEnvironmentVariable("WIREWATCH_FAULT_ARTICLES"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 150;

    [Fact]
    public async Task The_fetcher_running_the_jobs_killed_mid_cycle_has_them_recovered_without_a_skipped_interval_or_a_second_version()
    {
        var database = await postgres.CreateDatabaseAsync("fetcherfailover");
        await using var run = await FaultRun.StartAsync(node, "fetcher-failover", ArticleCount + Arrivals, new FaultRunOptions
        {
            Fetchers = 2,
            FetcherSettings = new Dictionary<string, string>
            {
                ["Wirewatch__State__Provider"] = "Postgres",
                ["Wirewatch__State__ConnectionString"] = database,
            },
            SourceInterval = Interval,
            WithheldArticles = Arrivals,
            KeepFetchedBodies = true,
        });

        // Which fetcher holds the job right now: Quartz's fired trigger names its instance, <host>-<process id>.
        string? holder = null;
        await Eventually.True(async () => (holder = await ExecutingInstanceAsync(database)) is not null,
            "a fetcher running the inbox job", TimeSpan.FromSeconds(90), run.Diagnostics);
        var instance = holder!;
        var pid = int.Parse(instance[(instance.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
        var victim = run.Processes.Single(p => p.Role == "fetcher" && p.Id == pid);
        await victim.SignalAsync("KILL");
        var fetchedAtKill = run.Fetched;

        // New articles keep arriving at the source, one every half interval, from the moment of the kill.
        var arrived = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < Arrivals; i++)
        {
            var file = await run.ReleaseNextAsync();
            arrived[file!] = Stopwatch.GetTimestamp();
            await Task.Delay(Interval / 2); // the arrival rate of the load, not a wait for anything
        }

        var ledger = await FaultLedgers.AssertCleanAsync(run, output, FlowDeadline, () => Note(run, arrived, fetchedAtKill));

        // No interval skipped: the recovered cycle starts within two intervals of the kill, and reaches a new file at most
        // one cycle's running time later (a cycle reads every file of the inbox: about 10 s for 2,000 on PostgreSQL).
        var published = Published(run);
        var waits = arrived.ToDictionary(a => a.Key, a => Stopwatch.GetElapsedTime(a.Value, FirstPublished(run, published, a.Key)));
        var cycle = FirstCycle(run, published, arrived);
        waits.Values.Max().ShouldBeLessThanOrEqualTo(2 * Interval + cycle,
            $"each new article published within two intervals and one cycle's run ({cycle.TotalSeconds:0.0} s): {Describe(waits)} {ledger}");
        published.GroupBy(p => p.ContentHash)
            .Where(g => g.Select(p => (p.ArticleId, p.Version)).Distinct().Count() > 1)
            .Select(g => g.First().Url)
            .ShouldBeEmpty("no content published under two versions");
    }

    private static async Task<string?> ExecutingInstanceAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT instance_name FROM qrtz_fired_triggers WHERE state = 'EXECUTING' AND trigger_group <> 'RECOVERING_JOBS' LIMIT 1", connection);
        try
        {
            return await command.ExecuteScalarAsync() as string;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null; // The first fetcher has not created Quartz's tables yet.
        }
    }

    private sealed record Publication(string ArticleId, int Version, string ContentHash, string Url);

    private static List<Publication> Published(FaultRun run) =>
        [.. run.FetchedBodies.Select(body =>
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            return new Publication(root.GetProperty("articleId").GetString()!, root.GetProperty("version").GetInt32(),
                root.GetProperty("contentHash").GetString()!, root.GetProperty("url").GetString()!);
        })];

    private static long FirstPublished(FaultRun run, List<Publication> published, string file)
    {
        var article = published.FirstOrDefault(p => p.Url.EndsWith("/" + file, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{file} was never published");
        return run.FetchedFirstSeen[article.ArticleId];
    }

    /// <summary>How long the first cycle took to go through the inbox: its first publication to its last.</summary>
    private static TimeSpan FirstCycle(FaultRun run, List<Publication> published, Dictionary<string, long> arrived)
    {
        var initial = published
            .Where(p => !arrived.Keys.Any(f => p.Url.EndsWith("/" + f, StringComparison.Ordinal)))
            .Select(p => run.FetchedFirstSeen[p.ArticleId]).Order().ToArray();
        return initial.Length < 2 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(initial[0], initial[^1]);
    }

    private static string Describe(Dictionary<string, TimeSpan> waits) =>
        string.Join(", ", waits.Select(w => $"{w.Key} {w.Value.TotalSeconds:0.0}s"));

    private static string Note(FaultRun run, Dictionary<string, long> arrived, int fetchedAtKill)
    {
        var published = Published(run);
        var waits = arrived.Keys.Where(f => published.Any(p => p.Url.EndsWith("/" + f, StringComparison.Ordinal)))
            .Select(f => Stopwatch.GetElapsedTime(arrived[f], FirstPublished(run, published, f)).TotalSeconds).DefaultIfEmpty(double.NaN);
        return FormattableString.Invariant(
            $"fetched={run.Fetched} fetched-at-kill={fetchedAtKill} interval={Interval.TotalSeconds:0}s first-cycle={FirstCycle(run, published, arrived).TotalSeconds:0.0}s max-arrival-to-publish={waits.Max():0.0}s");
    }
}
