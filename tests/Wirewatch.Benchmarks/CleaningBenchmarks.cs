using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Wirewatch.Cleaning;
using Wirewatch.Contracts;

namespace Wirewatch.Benchmarks;

/// <summary>
/// The cleaner against a bare AngleSharp parse of the same pages (the baseline), in one run:
/// <c>dotnet run -c Release --project tests/Wirewatch.Benchmarks -- --filter '*CleaningBenchmarks*' --job short</c>.
/// <c>html</c> and <c>text</c> are the corpus pages of tests/Wirewatch.Cleaning.Tests/pages; <c>large-html</c> is a
/// ~100 KB page with scripts, menus and related lists around a long article. Each page is cleaned as the product would
/// clean it: with the URL its manifest gives it, so each site's rule (or none) applies. The MB/s column is page bytes
/// (UTF-8) per second. Story fingerprinting is a separate step (<c>StoryMatchingBenchmarks</c>) and is not included.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class CleaningBenchmarks
{
    private static readonly Dictionary<string, long> BytesPerSet = [];

    private readonly HtmlParser _parser = new();
    private WireArticleCleaner _cleaner = null!;
    private ArticleFetched[] _pages = [];

    [Params("html", "text", "large-html")]
    public string Pages { get; set; } = "html";

    [GlobalSetup]
    public void Setup()
    {
        var root = RepositoryRoot();
        _cleaner = new WireArticleCleaner(new CleanerOptions(), CleaningRules.Load(Path.Combine(root, "src", "Wirewatch.Worker", "defaults", "cleaning-rules.json")));
        var folder = Path.Combine(root, "tests", "Wirewatch.Cleaning.Tests", "pages");
        var urls = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))).RootElement.GetProperty("pages")
            .EnumerateArray().ToDictionary(p => p.GetProperty("file").GetString()!, p => p.GetProperty("url").GetString()!, StringComparer.Ordinal);
        ArticleFetched Page(string file, string type, Func<string, string>? shape = null) =>
            Fetched((shape ?? (s => s))(File.ReadAllText(Path.Combine(folder, file))), type, urls[file]);
        IEnumerable<string> Files(string pattern) =>
            Directory.GetFiles(folder, pattern).Select(Path.GetFileName).Where(f => urls.ContainsKey(f!)).Order(StringComparer.Ordinal)!;
        _pages = Pages switch
        {
            "html" => Files("*.html").Select(f => Page(f, "text/html")).ToArray(),
            "text" => Files("*.txt").Select(f => Page(f, "text/plain")).ToArray(),
            _ => [Page("yonhap-missile-lead.html", "text/html", LargePage)],
        };
        BytesPerSet[Pages] = _pages.Sum(p => (long)Encoding.UTF8.GetByteCount(p.Content));
    }

    [Benchmark(Baseline = true, Description = "AngleSharp ParseDocument")]
    public int BareParse()
    {
        var nodes = 0;
        foreach (var page in _pages)
        {
            nodes += _parser.ParseDocument(page.Content).All.Length;
        }

        return nodes;
    }

    [Benchmark(Description = "WireArticleCleaner.Clean")]
    public int Clean()
    {
        var words = 0;
        foreach (var page in _pages)
        {
            words += _cleaner.Clean(page).Article?.WordCount ?? 0;
        }

        return words;
    }

    /// <summary>The article of <paramref name="html"/> inside ~100 KB of what real pages carry: scripts, menus, related lists, ads.</summary>
    private static string LargePage(string html)
    {
        var head = new StringBuilder();
        for (var i = 0; i < 80; i++)
        {
            head.Append(CultureInfo.InvariantCulture, $"<script>window.slot{i} = {{ id: 'ad-{i}', sizes: [[300, 250], [728, 90]], targeting: {{ section: 'nk', pos: {i} }} }}; function render{i}() {{ return document.getElementById('ad-{i}'); }}</script>\n");
        }

        var menu = new StringBuilder("<div class=\"all-menu\"><ul>");
        for (var i = 0; i < 700; i++)
        {
            menu.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/section/{i}\">Section {i} 메뉴</a></li>");
        }

        menu.Append("</ul></div>");
        var related = new StringBuilder("<div class=\"related-group\"><ul>");
        for (var i = 0; i < 120; i++)
        {
            related.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/view/{i}\">Related headline number {i} about the peninsula and the region</a><span class=\"date\">04-{i % 28 + 1:00} 10:00</span></li>");
        }

        related.Append("</ul></div>");
        var body = new StringBuilder();
        var article = html[html.IndexOf("<article", StringComparison.Ordinal)..(html.IndexOf("</article>", StringComparison.Ordinal) + 10)];
        var paragraphs = article[(article.IndexOf('>') + 1)..^10];
        for (var i = 0; i < 16; i++)
        {
            body.Append(paragraphs).Append("<div class=\"ad-slot\"><span>Advertisement</span></div>");
        }

        return html
            .Replace("</head>", head + "</head>", StringComparison.Ordinal)
            .Replace("<div id=\"content\" class=\"container\">", menu + "<div id=\"content\" class=\"container\">", StringComparison.Ordinal)
            .Replace(article, "<article class=\"story-news article\">" + body + "</article>", StringComparison.Ordinal)
            .Replace("<footer>", related + "<footer>", StringComparison.Ordinal);
    }

    private static ArticleFetched Fetched(string content, string contentType, string url) => new()
    {
        ArticleId = "bench", Version = 1, SourceId = "bench", Url = url,
        ProducedAt = DateTimeOffset.UnixEpoch, Content = content, ContentType = contentType,
        ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))), FetchedAt = DateTimeOffset.UnixEpoch,
    };

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Workers.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Workers.sln not found above the benchmark's folder.");
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn());
    }

    /// <summary>MB/s: the set's page bytes divided by the mean time of one pass over the set.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "MBps";
        public string ColumnName => "MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Page bytes (UTF-8) cleaned or parsed per second, in MB (10^6 bytes)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var set = (string)benchmarkCase.Parameters["Pages"];
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean; // nanoseconds
            if (mean is not { } ns || !PageBytes(set, out var bytes))
            {
                return "-";
            }

            return (bytes / (ns / 1e9) / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;

        /// <summary>The column runs in the host process, which never ran Setup: measure the set here the same way.</summary>
        private static bool PageBytes(string set, out long bytes)
        {
            if (!BytesPerSet.TryGetValue(set, out bytes))
            {
                var benchmark = new CleaningBenchmarks { Pages = set };
                benchmark.Setup();
                bytes = BytesPerSet[set];
            }

            return true;
        }
    }
}
