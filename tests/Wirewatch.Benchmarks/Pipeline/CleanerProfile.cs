using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Cleaning;
using Wirewatch.Cleaning.Stories;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared.Load;
using Wirewatch.State.Sqlite;

namespace Wirewatch.Benchmarks.Pipeline;

/// <summary>
/// <c>profile-cleaner [--articles N]</c>: where the cleaner role's time per article goes, without the bus: cleaning,
/// fingerprinting, the story store's queries and its insert, and the JSON the bus would (de)serialize, each timed with a
/// Stopwatch over the harness's articles after a warm-up pass over a separate set.
/// </summary>
public static class CleanerProfile
{
    public static async Task<int> RunAsync(int count, TextWriter output)
    {
        var cleaner = new WireArticleCleaner(new CleanerOptions());
        var folder = Path.Combine(Path.GetTempPath(), "wirewatch-profile-" + Guid.NewGuid().ToString("N"));
        try
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
            var store = new SqliteStoryStore(Path.Combine(folder, "wirewatch.db"));
            var tracker = new StoryTracker(store, time, new CleanerOptions());
            await PassAsync(SyntheticArticles.Create(Math.Min(count, 200), seed: 7), "warm", cleaner, tracker, store, time, output: null);
            await PassAsync(SyntheticArticles.Create(count), "measured", cleaner, tracker, store, time, output);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task PassAsync(IReadOnlyList<SyntheticArticles.Article> articles, string prefix, WireArticleCleaner cleaner, StoryTracker tracker,
        SqliteStoryStore store, FakeTimeProvider time, TextWriter? output)
    {
        var parts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        void Add(string part, long started) => parts[part] = parts.GetValueOrDefault(part) + Stopwatch.GetElapsedTime(started);

        foreach (var article in articles)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            var fetched = new ArticleFetched
            {
                ArticleId = $"{prefix}-{article.Index}", Version = 1, SourceId = "bench", Url = $"https://wire.example/{prefix}/{article.Index}",
                ProducedAt = time.GetUtcNow(), Content = article.Text, ContentType = "text/plain",
                ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(article.Text))), FetchedAt = time.GetUtcNow(),
            };
            var started = Stopwatch.GetTimestamp();
            var body = JsonSerializer.SerializeToUtf8Bytes(fetched, WireJson.Options);
            var received = JsonSerializer.Deserialize<ArticleFetched>(body, WireJson.Options)!;
            Add("deserialize ArticleFetched (+ its serialization)", started);

            started = Stopwatch.GetTimestamp();
            var cleaned = cleaner.Clean(received).Article;
            Add("WireArticleCleaner.Clean", started);
            if (cleaned is null)
            {
                continue;
            }

            started = Stopwatch.GetTimestamp();
            var fingerprint = StoryFingerprint.Of(cleaned.Headline, cleaned.Paragraphs);
            Add("StoryFingerprint.Of", started);

            started = Stopwatch.GetTimestamp();
            await store.CandidatesAsync(fingerprint, cleaned.ArticleId, StoryTracker.RewrittenCopy, DateTimeOffset.MinValue, CancellationToken.None);
            Add("store: CandidatesAsync (again, alone)", started);

            started = Stopwatch.GetTimestamp();
            await store.GetAsync(cleaned.ArticleId, 1, CancellationToken.None);
            await store.PreviousVersionAsync(cleaned.ArticleId, 1, CancellationToken.None);
            Add("store: GetAsync + PreviousVersionAsync (again, alone)", started);

            started = Stopwatch.GetTimestamp();
            var assigned = await tracker.AssignAsync(cleaned, CancellationToken.None);
            Add("StoryTracker.AssignAsync (fingerprint, 4 queries, insert)", started);

            started = Stopwatch.GetTimestamp();
            _ = JsonSerializer.SerializeToUtf8Bytes(assigned, WireJson.Options);
            Add("serialize ArticleCleaned", started);
        }

        if (output is null)
        {
            return;
        }

        await output.WriteLineAsync($"cleaner role without the bus, {articles.Count} articles (ms per article, wall clock):");
        foreach (var (part, total) in parts)
        {
            await output.WriteLineAsync(FormattableString.Invariant($"  {total.TotalMilliseconds / articles.Count,8:0.000}  {part}"));
        }
    }
}
