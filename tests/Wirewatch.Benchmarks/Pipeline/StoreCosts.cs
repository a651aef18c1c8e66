using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Alerting;
using Wirewatch.Cleaning;
using Wirewatch.Cleaning.Stories;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.State;
using Wirewatch.Tests.Shared.Load;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.Benchmarks.Pipeline;

/// <summary>
/// <c>store-costs [--articles N]</c>: what each role's state costs per article on each store, SQLite (a file in a temp
/// folder, as a worker's DataDir) and PostgreSQL (a private cluster on loopback), through the state seam the workers
/// use (<see cref="StateRegistration.AddWirewatchState"/>). Per article, wall clock, after a warm-up pass:
/// the fetcher's seen-store (<c>GetAsync</c> + <c>MarkPublishedAsync</c>), the cleaner's story decision
/// (<see cref="StoryTracker.AssignAsync"/>: fingerprint, lock, candidate lookup, insert) and the alerter's ledger
/// (<c>RaiseAsync</c> + <c>DeliverOnceAsync</c> on one channel: claim, record). One caller at a time: the cost of an
/// operation, not the store's throughput under N replicas.
/// </summary>
public static class StoreCosts
{
    public static async Task<int> RunAsync(int count, TextWriter output)
    {
        var articles = SyntheticArticles.Create(count);
        var warm = SyntheticArticles.Create(Math.Min(count, 100), seed: 11);
        var folder = Directory.CreateTempSubdirectory("wirewatch-store-costs-").FullName;
        var results = new List<(string Store, Dictionary<string, TimeSpan> Parts)>();
        try
        {
            results.Add(("SQLite", await MeasureAsync(StateLocation.Sqlite(Path.Combine(folder, "wirewatch.db")), warm, articles)));
            await using (var postgres = new PostgresCluster())
            {
                await postgres.InitializeAsync();
                results.Add(("PostgreSQL", await MeasureAsync(StateLocation.Postgres(await postgres.CreateDatabaseAsync("storecosts")), warm, articles)));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        await output.WriteLineAsync($"state per article, {count} articles, one caller (ms per article, wall clock):");
        await output.WriteLineAsync($"  {"operation",-68} {string.Join(" ", results.Select(r => $"{r.Store,10}"))}");
        foreach (var part in results[0].Parts.Keys)
        {
            await output.WriteLineAsync(FormattableString.Invariant(
                $"  {part,-68} {string.Join(" ", results.Select(r => $"{r.Parts[part].TotalMilliseconds / count,10:0.000}"))}"));
        }

        return 0;
    }

    private static async Task<Dictionary<string, TimeSpan>> MeasureAsync(StateLocation location, IReadOnlyList<SyntheticArticles.Article> warm, IReadOnlyList<SyntheticArticles.Article> articles)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
        await using var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddWirewatchState(location)
            .BuildServiceProvider();
        await services.GetRequiredService<IStateDatabase>().MigrateAsync(CancellationToken.None);
        var stores = (Seen: services.GetRequiredService<ISeenStore>(), Ledger: services.GetRequiredService<IAlertLedger>(),
            Tracker: new StoryTracker(services.GetRequiredService<IStoryStore>(), time, new CleanerOptions()));
        await PassAsync("warm", warm, stores, time);
        return await PassAsync("measured", articles, stores, time);
    }

    private static async Task<Dictionary<string, TimeSpan>> PassAsync(string prefix, IReadOnlyList<SyntheticArticles.Article> articles,
        (ISeenStore Seen, IAlertLedger Ledger, StoryTracker Tracker) stores, FakeTimeProvider time)
    {
        var cleaner = new WireArticleCleaner(new CleanerOptions());
        var parts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        void Add(string part, long started) => parts[part] = parts.GetValueOrDefault(part) + Stopwatch.GetElapsedTime(started);
        static Task<ChannelResult> Delivered(CancellationToken _) => Task.FromResult(ChannelResult.Delivered);

        foreach (var article in articles)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            var url = $"https://wire.example/{prefix}/{article.Index}";
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(article.Text)));
            var fetched = new ArticleFetched
            {
                ArticleId = $"{prefix}-{article.Index}", Version = 1, SourceId = "bench", Url = url, ProducedAt = time.GetUtcNow(),
                Content = article.Text, ContentType = "text/plain", ContentHash = hash, FetchedAt = time.GetUtcNow(),
            };

            var started = Stopwatch.GetTimestamp();
            await stores.Seen.GetAsync(url, CancellationToken.None);
            await stores.Seen.MarkPublishedAsync(new SeenArticle(url, fetched.ArticleId, 1, hash, null, time.GetUtcNow()), CancellationToken.None);
            Add("fetcher: seen-store GetAsync + MarkPublishedAsync", started);

            var cleaned = cleaner.Clean(fetched).Article ?? throw new InvalidOperationException($"{url} was rejected");
            started = Stopwatch.GetTimestamp();
            cleaned = await stores.Tracker.AssignAsync(cleaned, CancellationToken.None);
            Add("cleaner: StoryTracker.AssignAsync (fingerprint, 4 queries, insert)", started);

            var candidate = new AlertRaised
            {
                AlertId = "", SubscriptionId = "desk", Severity = Severities.Medium, Topics = [new AlertTopic { Topic = article.Topic, Score = 0.8 }],
                Headline = cleaned.Headline, Url = url, Evidence = [], IsUpdate = false, ArticleId = cleaned.ArticleId, Version = 1,
                StoryId = cleaned.StoryId, SourceId = "bench", ProducedAt = time.GetUtcNow(),
            };
            started = Stopwatch.GetTimestamp();
            if (await stores.Ledger.RaiseAsync(candidate, CancellationToken.None) is { } raised)
            {
                await stores.Ledger.DeliverOnceAsync(raised.Alert, "bus", Delivered, CancellationToken.None);
            }

            Add("alerter: ledger RaiseAsync + DeliverOnceAsync (one channel)", started);
        }

        return parts;
    }
}
