using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Wirewatch.Classification;
using Wirewatch.Cleaning;
using Wirewatch.Contracts;

namespace Wirewatch.Benchmarks;

/// <summary>
/// The classifier (<see cref="TopicClassifier.Classify"/>: topics, evidence, entities) over a mixed batch of corpus
/// articles, against the floor of any lexicon classifier: one <see cref="SearchValues{T}"/> of every taxonomy term
/// (ordinal, ignoring case) enumerating each occurrence in the same text. Per-article figures: each invocation does
/// <see cref="Batch"/> articles. Run: <c>dotnet run -c Release --project tests/Wirewatch.Benchmarks -- --filter '*Classification*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class ClassificationBenchmarks
{
    /// <summary>Articles per invocation: every label group and length of tests/corpus/classification, in file order.</summary>
    public const int Batch = 64;

    private TopicClassifier _classifier = null!;
    private EntityExtractor _entities = null!;
    private ArticleCleaned[] _articles = [];
    private string[] _texts = [];
    private SearchValues<string> _terms = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = RepositoryRoot();
        var defaults = Path.Combine(root, "src", "Wirewatch.Worker", "defaults");
        var topicsPath = Path.Combine(defaults, "topics.json");
        _classifier = TopicClassifier.Load(topicsPath, Path.Combine(defaults, "entities.json"));
        _entities = new EntityExtractor(Gazetteer.Load(Path.Combine(defaults, "entities.json")));

        var corpus = Path.Combine(root, "tests", "corpus", "classification");
        var files = Directory.GetFiles(corpus, "*.txt").Order(StringComparer.Ordinal).ToArray();
        var cleaner = new WireArticleCleaner(new CleanerOptions());
        // Every third file, so the batch mixes sanctions, human-rights, defense and negative stories.
        _articles = files.Where((_, i) => i % 3 == 0).Take(Batch)
            .Select(f => cleaner.Clean(Fetched(f)).Article ?? throw new InvalidOperationException($"{f} was rejected"))
            .ToArray();
        if (_articles.Length != Batch)
        {
            throw new InvalidOperationException($"The corpus gave {_articles.Length} articles, not {Batch}.");
        }

        // The baseline sees the same words: headline and paragraphs, as one string per article.
        _texts = _articles.Select(a => string.Join('\n', [a.Headline, .. a.Paragraphs])).ToArray();
        using var json = JsonDocument.Parse(File.ReadAllBytes(topicsPath));
        var terms = json.RootElement.GetProperty("topics").EnumerateArray()
            .SelectMany(t => t.GetProperty("terms").EnumerateArray())
            .Select(t => t.GetProperty("term").GetString()!.TrimEnd('*', ' '))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        _terms = SearchValues.Create(terms, StringComparison.OrdinalIgnoreCase);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int SearchValuesScan()
    {
        var occurrences = 0;
        foreach (var text in _texts)
        {
            var rest = text.AsSpan();
            int at;
            while ((at = rest.IndexOfAny(_terms)) >= 0)
            {
                occurrences++;
                rest = rest[(at + 1)..];
            }
        }

        return occurrences;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Classify()
    {
        var matches = 0;
        foreach (var article in _articles)
        {
            matches += _classifier.Classify(article).Topics.Count(t => t.Match);
        }

        return matches;
    }

    /// <summary>The entity part of <see cref="Classify"/> alone (gazetteer pass and patterns), to show where the time goes.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int ExtractEntities()
    {
        var found = 0;
        foreach (var article in _articles)
        {
            found += _entities.Extract(article).People.Count;
        }

        return found;
    }

    private static ArticleFetched Fetched(string path)
    {
        var content = File.ReadAllText(path);
        var now = new DateTimeOffset(2026, 1, 15, 3, 0, 0, TimeSpan.Zero);
        return new ArticleFetched
        {
            ArticleId = Path.GetFileNameWithoutExtension(path), Version = 1, SourceId = "corpus", Url = new Uri(path).AbsoluteUri,
            ProducedAt = now, Content = content, ContentType = "text/plain", Charset = "utf-8",
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))), FetchedAt = now,
        };
    }

    // BenchmarkDotNet runs the benchmark from a generated project elsewhere: find the repository from this source file.
    private static string RepositoryRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));
}
