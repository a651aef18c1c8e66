using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Wirewatch.Tests.Shared.Load;
using Wirewatch.Contracts;

namespace Wirewatch.Benchmarks;

/// <summary>
/// Serializing each contract as the bus does (System.Text.Json with <see cref="WireJson"/>), at a 3 KB text rendering
/// a 4x and a 16x one (about 4, 16 and 64 KB), against <see cref="Encoding.UTF8"/> encoding the bare article text: the floor of putting the
/// article on the wire at all. The Body/article column is each contract's body size over the article's (with
/// <c>--inProcess</c>). Body sizes against article sizes are pinned by tests/Wirewatch.Contracts.Tests' WireSizeTests.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SerializationBenchmarks
{
    /// <summary>(method, size factor) to body bytes / article bytes, filled at setup for the Body/article column.</summary>
    private static readonly Dictionary<(string Method, int SizeFactor), double> WireRatios = [];

    private ArticleFetched _fetched = null!;
    private ArticleCleaned _cleaned = null!;
    private ArticleClassified _classified = null!;
    private AlertRaised _alert = null!;
    private byte[] _fetchedBody = [];

    [Params(1, 4, 16)]
    public int SizeFactor { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var article = SyntheticArticles.Create(1, SizeFactor)[0];
        var now = new DateTimeOffset(2026, 1, 15, 3, 0, 0, TimeSpan.Zero);
        var paragraphs = article.Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        _fetched = new ArticleFetched
        {
            ArticleId = "a8dec33171b39ebe", Version = 1, SourceId = "yonhap-nk", Url = "https://en.yna.co.kr/view/AEN20250414000351315",
            ProducedAt = now, Content = article.Text, ContentType = "text/plain", Charset = "utf-8",
            ContentHash = new string('c', 64), FetchedAt = now,
        };
        _cleaned = new ArticleCleaned
        {
            ArticleId = _fetched.ArticleId, Version = 1, SourceId = _fetched.SourceId, Url = _fetched.Url, ProducedAt = now,
            Headline = paragraphs[1], Flags = [], PublishedAt = now, Paragraphs = paragraphs[3..], Language = "en",
            WordCount = article.Text.Split(' ').Length, Warnings = [],
        };
        var evidence = new[] { new Evidence { Term = "sanctions", Count = 4, Snippet = paragraphs[3] } };
        _classified = new ArticleClassified
        {
            ArticleId = _fetched.ArticleId, Version = 1, SourceId = _fetched.SourceId, Url = _fetched.Url, ProducedAt = now,
            Headline = _cleaned.Headline, Summary = paragraphs[3],
            Topics = [new TopicScore { Topic = "sanctions", Score = 0.92, Match = true, Evidence = evidence }],
            Entities = new Entities { Organizations = ["U.N. Security Council"], Resolutions = ["2397"] }, ClassifierVersion = "v1",
        };
        _alert = new AlertRaised
        {
            AlertId = "sanctions-desk:a8dec33171b39ebe", SubscriptionId = "sanctions-desk", Severity = "high",
            Topics = [new AlertTopic { Topic = "sanctions", Score = 0.92 }], Headline = _cleaned.Headline, Url = _fetched.Url,
            Summary = paragraphs[3], Evidence = [new AlertEvidence { Topic = "sanctions", Term = "sanctions", Count = 4, Snippet = paragraphs[3] }],
            IsUpdate = false, ArticleId = _fetched.ArticleId, Version = 1, SourceId = _fetched.SourceId, ProducedAt = now,
        };
        _fetchedBody = JsonSerializer.SerializeToUtf8Bytes(_fetched, WireJson.Options);
        RecordWireRatios();
    }

    private void RecordWireRatios()
    {
        double article = Encoding.UTF8.GetByteCount(_fetched.Content);
        WireRatios[(nameof(Utf8_article_text), SizeFactor)] = 1;
        WireRatios[(nameof(ArticleFetched_serialize), SizeFactor)] = ArticleFetched_serialize().Length / article;
        WireRatios[(nameof(ArticleFetched_deserialize), SizeFactor)] = _fetchedBody.Length / article;
        WireRatios[(nameof(ArticleCleaned_serialize), SizeFactor)] = ArticleCleaned_serialize().Length / article;
        WireRatios[(nameof(ArticleClassified_serialize), SizeFactor)] = ArticleClassified_serialize().Length / article;
        WireRatios[(nameof(AlertRaised_serialize), SizeFactor)] = AlertRaised_serialize().Length / article;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new WireRatioColumn());
    }

    /// <summary>The message body (raw JSON, what goes on the wire: MassTransit's headers travel as AMQP properties) over the article's UTF-8 bytes.</summary>
    private sealed class WireRatioColumn : IColumn
    {
        public string Id => "WireRatio";
        public string ColumnName => "Body/article";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Message body bytes / the article's UTF-8 bytes (target <= 1.10 for the article-carrying contracts)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var factor = (int)benchmarkCase.Parameters["SizeFactor"];
            return WireRatios.TryGetValue((benchmarkCase.Descriptor.WorkloadMethod.Name, factor), out var ratio)
                ? ratio.ToString("0.000", CultureInfo.InvariantCulture)
                : "n/a (run with --inProcess)";
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }

    [Benchmark(Baseline = true)]
    public byte[] Utf8_article_text() => Encoding.UTF8.GetBytes(_fetched.Content);

    [Benchmark]
    public byte[] ArticleFetched_serialize() => JsonSerializer.SerializeToUtf8Bytes(_fetched, WireJson.Options);

    [Benchmark]
    public ArticleFetched? ArticleFetched_deserialize() => JsonSerializer.Deserialize<ArticleFetched>(_fetchedBody, WireJson.Options);

    [Benchmark]
    public byte[] ArticleCleaned_serialize() => JsonSerializer.SerializeToUtf8Bytes(_cleaned, WireJson.Options);

    [Benchmark]
    public byte[] ArticleClassified_serialize() => JsonSerializer.SerializeToUtf8Bytes(_classified, WireJson.Options);

    [Benchmark]
    public byte[] AlertRaised_serialize() => JsonSerializer.SerializeToUtf8Bytes(_alert, WireJson.Options);
}
