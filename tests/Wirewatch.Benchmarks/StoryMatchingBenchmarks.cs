using BenchmarkDotNet.Attributes;
using Wirewatch.Cleaning.Stories;
using Wirewatch.State.Sqlite;

namespace Wirewatch.Benchmarks;

/// <summary>
/// Story matching against N stories kept in the SQLite store: the indexed candidate query the cleaner uses, against
/// comparing the article with every stored fingerprint (the matcher before the index, minus its reading of every record
/// from SQLite, which cost more than the comparisons), in one run:
/// <c>dotnet run -c Release --project tests/Wirewatch.Benchmarks -- --filter '*StoryMatching*' --job short</c>.
/// The stored stories are unrelated to the new article but share the wire's stock phrases, as real ones do; the
/// indexed cost should stay flat from 100 to 10,000 stories while the scan grows with them.
/// </summary>
[MemoryDiagnoser]
public class StoryMatchingBenchmarks
{
    private SqliteStoryStore _store = null!;
    private StoryFingerprint _article = null!;
    private List<StoryFingerprint> _stored = [];
    private string _folder = "";

    [Params(100, 10_000)]
    public int StoredStories { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "wirewatch-bench-stories-" + Guid.NewGuid().ToString("N"));
        _store = new SqliteStoryStore(Path.Combine(_folder, "wirewatch.db"));
        var random = new Random(9);
        for (var i = 0; i < StoredStories; i++)
        {
            var fingerprint = StoryFingerprint.Of($"Story {i}", [Body(random)]);
            _stored.Add(fingerprint);
            _store.AddAsync(new StoryRecord($"u{i}", 1, $"u{i}", $"Story {i}", fingerprint, DateTimeOffset.UnixEpoch.AddMinutes(i), null, null),
                CancellationToken.None).GetAwaiter().GetResult();
        }

        _article = StoryFingerprint.Of("A new story", [Body(random)]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "scan: containment with every stored fingerprint (in memory)")]
    public int Scan() => _stored.Count(f => _article.Containment(f) >= StoryTracker.RewrittenCopy);

    [Benchmark(Description = "index: CandidatesAsync")]
    public async Task<int> Indexed() =>
        (await _store.CandidatesAsync(_article, "new", StoryTracker.RewrittenCopy, DateTimeOffset.MinValue, CancellationToken.None)).Count;

    /// <summary>About 400 words: stock phrases around invented words.</summary>
    private static string Body(Random random)
    {
        var words = new List<string>();
        for (var sentence = 0; sentence < 20; sentence++)
        {
            words.Add(sentence % 3 == 0 ? "Officials said on Tuesday that" : "the ministry said");
            words.AddRange(Enumerable.Range(0, 16).Select(_ => string.Concat(Enumerable.Range(0, random.Next(3, 9)).Select(_ => (char)('a' + random.Next(26))))));
        }

        return string.Join(' ', words);
    }
}
