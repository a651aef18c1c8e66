using System.Globalization;
using Npgsql;
using Wirewatch.Cleaning;
using Wirewatch.Cleaning.Stories;
using Wirewatch.IntegrationTests;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Load;
using Wirewatch.Tests.Shared.Postgres;
using Xunit.Abstractions;

namespace Wirewatch.FaultTests;

/// <summary>
/// <c>replicas</c>: every role scaled out (2 fetchers, 3 cleaners, 2 classifiers, 2 alerters) on one private PostgreSQL
/// and the private three-node RabbitMQ cluster, one alerter and one cleaner killed with SIGKILL mid-flow. The alerts must
/// be the ones a single replica of each role raises for the same corpus, id for id, with one alert per story and
/// subscription. Same ledger line as the rest of the suite.
/// </summary>
[Collection("rabbitmq-cluster")]
[Trait("Category", "Fault")]
public sealed class ReplicaFaultTests(RabbitMqCluster cluster, PostgresCluster postgres, ITestOutputHelper output) : IClassFixture<PostgresCluster>
{
    private static readonly TimeSpan FlowDeadline = TimeSpan.FromMinutes(5);

    private const int CorpusSeed = 20261205;

    private static int ArticleCount =>
        int.TryParse(Environment.GetEnvironmentVariable("WIREWATCH_FAULT_ARTICLES"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 150;

    [Fact]
    public async Task Every_role_replicated_with_an_alerter_and_a_cleaner_killed_raises_the_alerts_of_a_single_replica_once()
    {
        var inbox = Directory.CreateTempSubdirectory("wirewatch-fault-replicas-inbox-").FullName;
        try
        {
            var single = await RunAsync("replicas-single", inbox, replicated: false);
            var replicated = await RunAsync("replicas", inbox, replicated: true);

            replicated.Raised.Except(single.Raised).ShouldBeEmpty($"alerts only the replicas raised: {replicated.Ledger}");
            single.Raised.Except(replicated.Raised).ShouldBeEmpty($"alerts only the single replicas raised: {replicated.Ledger}");
            replicated.OnBus.SetEquals(single.OnBus).ShouldBeTrue($"the alert ids on wirewatch.alerts equal the single run's: {single.Ledger} / {replicated.Ledger}");
            replicated.OnBus.SetEquals(replicated.Raised).ShouldBeTrue($"every raised alert reached the bus: {replicated.Ledger}");
        }
        finally
        {
            Directory.Delete(inbox, recursive: true);
        }
    }

    /// <summary>
    /// The corpus without the articles the story detector folds into an earlier one (a few per hundred: synthetic
    /// articles of one topic share phrases). Which of two such articles a run cleans first gives the story, and so its
    /// alerts, their id, a race that differs between any two runs; without them every article is a story of its own
    /// whatever the order. Decided by the cleaners' own <see cref="StoryTracker"/>, in memory.
    /// </summary>
    private static async Task<IReadOnlyList<SyntheticArticles.Article>> StoriesOfTheirOwnAsync(IReadOnlyList<SyntheticArticles.Article> corpus)
    {
        var cleaner = new WireArticleCleaner(new CleanerOptions());
        var tracker = new StoryTracker(new InMemoryStoryStore(), TimeProvider.System, new CleanerOptions());
        var own = new List<SyntheticArticles.Article>();
        foreach (var article in corpus)
        {
            var cleaned = cleaner.Clean(Articles.FromText(article.Text, url: "file:///inbox/" + article.FileName)).Article
                ?? throw new InvalidOperationException($"{article.FileName} is rejected by the cleaner");
            if ((await tracker.AssignAsync(cleaned, default)).StoryId == cleaned.ArticleId)
            {
                own.Add(article);
            }
        }

        return own;
    }

    private sealed record Outcome(Ledger Ledger, HashSet<string> Raised, HashSet<string> OnBus);

    /// <summary>
    /// One run of the corpus: the first half in the inbox at the start (the stories that get versions among it), the rest
    /// and the versions (a reprint and a (LEAD) update of three stories) once that half is through, so each version
    /// joins a story already known. With <paramref name="replicated"/>, every role scaled out, and once a third of the
    /// first half is through one alerter and one cleaner are killed (SIGKILL) while they hold messages, claims and locks.
    /// </summary>
    private async Task<Outcome> RunAsync(string name, string inbox, bool replicated)
    {
        var corpus = await StoriesOfTheirOwnAsync(SyntheticArticles.Create(ArticleCount, seed: CorpusSeed));
        var half = corpus.Count / 2;
        var originals = new[] { corpus[half / 10], corpus[half / 2], corpus[half - 2] };
        SyntheticArticles.Article[] versions =
        [
            .. originals.SelectMany((o, i) => new[]
            {
                o with { Index = 200_000 + i, FileName = $"version-{i}-reprint.txt" },
                SyntheticArticles.LeadUpdate(o, 300_000 + i, $"version-{i}-lead.txt"),
            }),
        ];

        // The same folder (so the same URLs and article ids) as the other run, but empty: the first run left every file in
        // it, and a version already there at the start could be cleaned before its original and name the story.
        foreach (var file in Directory.EnumerateFiles(inbox))
        {
            File.Delete(file);
        }

        var database = await postgres.CreateDatabaseAsync(name.Replace("-", "", StringComparison.Ordinal));
        await using var run = await FaultRun.StartAsync(cluster, name, articles: 0, new FaultRunOptions
        {
            PostgresState = database,
            InboxFolder = inbox,
            ExtraArticles = [.. corpus, .. versions],
            WithheldArticles = corpus.Count - half + versions.Length,
            KeepCleanedBodies = true,
            Fetchers = replicated ? 2 : 1,
            Cleaners = replicated ? 3 : 1,
            Classifiers = replicated ? 2 : 1,
            Alerters = replicated ? 2 : 1,
        });

        var killedAt = -1;
        if (replicated)
        {
            await run.WaitForProcessedAsync(half / 3, FlowDeadline);
            killedAt = run.Processed;
            foreach (var role in new[] { "alerter", "cleaner" })
            {
                var victim = run.Role(role);
                await victim.SignalAsync("KILL");
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await victim.WaitForExitAsync(exit.Token);
            }
        }

        await run.WaitForProcessedAsync(half, FlowDeadline);
        while (await run.ReleaseNextAsync() is not null)
        {
        }

        var roles = string.Join(' ', run.Processes.GroupBy(p => p.Role).Select(g => $"{g.Key}s={g.Count()}"));
        var ledger = await FaultLedgers.AssertCleanAsync(run, output, FlowDeadline, () =>
        {
            var note = $"{roles} versions={versions.Length} stories={run.CleanedStories.Select(c => c.StoryId).Distinct().Count()}";
            return replicated ? $"{note} killed=alerter,cleaner killed-at={killedAt}" : note;
        });

        var stories = run.CleanedStories;
        stories.Select(c => c.StoryId).Distinct().Count().ShouldBe(corpus.Count, $"{name}: every article of the corpus a story of its own: {ledger}");

        // Each version joined its original's story: one story id for the three files.
        for (var i = 0; i < originals.Length; i++)
        {
            string[] files = [originals[i].FileName, $"version-{i}-reprint.txt", $"version-{i}-lead.txt"];
            var ofStory = stories.Where(c => files.Any(f => c.Url.EndsWith("/" + f, StringComparison.Ordinal))).ToList();
            ofStory.Select(c => c.Url).Distinct().Count().ShouldBe(files.Length, $"{name}: every version of story {i} was cleaned: {ledger}");
            ofStory.Select(c => c.StoryId).Distinct().Count().ShouldBe(1, $"{name}: the versions of story {i} share one story id: {string.Join(", ", ofStory)}");
        }

        // One alert per story and subscription (the versions add no topic and raise no severity: no update alerts).
        var raised = new HashSet<string>(StringComparer.Ordinal);
        var doubled = new List<string>();
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using (var command = new NpgsqlCommand("SELECT alert_id FROM story_alerts", connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    raised.Add(reader.GetString(0));
                }
            }

            await using (var command = new NpgsqlCommand(
                "SELECT subscription_id || ' ' || story_id || ' x' || count(*) FROM story_alerts GROUP BY subscription_id, story_id HAVING count(*) > 1", connection))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    doubled.Add(reader.GetString(0));
                }
            }
        }

        doubled.ShouldBeEmpty($"{name}: one alert per story and subscription: {ledger}");
        if (replicated)
        {
            run.Processes.Where(p => p.HasExited).Select(p => p.Role).Order(StringComparer.Ordinal).ToArray().ShouldBe(["alerter", "cleaner"], ignoreOrder: false,
                $"only the two killed processes stopped: {ledger}{Environment.NewLine}{run.Diagnostics()}");
        }

        return new Outcome(ledger, raised, run.AlertCopies.Keys.ToHashSet(StringComparer.Ordinal));
    }
}
