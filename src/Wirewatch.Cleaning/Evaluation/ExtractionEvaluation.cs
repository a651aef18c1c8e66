using System.IO.Compression;
using System.Text.Json;
using Wirewatch.Contracts;

namespace Wirewatch.Cleaning.Evaluation;

/// <summary>One page's score by <see cref="ShingleMetric"/>; <see cref="Rejection"/> is set when the cleaner rejected the page.</summary>
public sealed record ExtractionPageScore(string Key, string Url, double Precision, double Recall, double Tp, double Fp, double Fn, string? Rejection)
{
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>Means over pages (every page weighs the same), F1 of the two means, and how fast the cleaner went.</summary>
public sealed record ExtractionReport(IReadOnlyList<ExtractionPageScore> Pages, double Precision, double Recall, TimeSpan CleaningTime)
{
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public double PagesPerSecond => CleaningTime > TimeSpan.Zero ? Pages.Count / CleaningTime.TotalSeconds : 0;

    public IEnumerable<ExtractionPageScore> Worst(int count) => Pages.OrderBy(p => p.F1).ThenBy(p => p.Key, StringComparer.Ordinal).Take(count);
}

/// <summary>
/// Scores <see cref="WireArticleCleaner"/> on a folder in the Article Extraction Benchmark's layout:
/// <c>ground-truth.json</c> (<c>{key: {"url", "articleBody"}}</c>) and <c>html/&lt;key&gt;.html.gz</c> (or <c>.html</c>).
/// The extracted body is what a reader of <c>ArticleCleaned</c> sees below the headline: the dateline's words, then the paragraphs.
/// </summary>
public sealed class ExtractionEvaluation(WireArticleCleaner cleaner, Func<byte[], string> decode, TimeProvider time)
{
    /// <param name="outputFolder">When set, each page's extracted body is written there as <c>&lt;key&gt;.txt</c>, to compare by eye.</param>
    public ExtractionReport Evaluate(string folder, string? outputFolder = null)
    {
        var truthPath = Path.Combine(folder, "ground-truth.json");
        if (!File.Exists(truthPath))
        {
            throw new InvalidDataException($"'{folder}' has no ground-truth.json (the benchmark's layout: ground-truth.json and html/<key>.html.gz).");
        }

        using var truth = ReadTruth(truthPath);
        var scores = new List<ExtractionPageScore>();
        var cleaning = TimeSpan.Zero;
        foreach (var page in truth.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var url = page.Value.TryGetProperty("url", out var u) ? u.GetString() ?? "" : "";
            var body = page.Value.TryGetProperty("articleBody", out var b) ? b.GetString() ?? "" : "";
            var html = decode(ReadPage(folder, page.Name));
            var started = time.GetTimestamp();
            var result = cleaner.Clean(Fetched(page.Name, url, html, time.GetUtcNow()));
            cleaning += time.GetElapsedTime(started);
            var extracted = result.Article is { } article ? BodyText(article) : "";
            if (outputFolder is not null)
            {
                Directory.CreateDirectory(outputFolder);
                File.WriteAllText(Path.Combine(outputFolder, page.Name + ".txt"), extracted);
            }

            var (tp, fp, fn) = ShingleMetric.Match(body, extracted);
            var (precision, recall) = ShingleMetric.PrecisionRecall(tp, fp, fn);
            scores.Add(new ExtractionPageScore(page.Name, url, precision, recall, tp, fp, fn, result.RejectionReason));
        }

        if (scores.Count == 0)
        {
            throw new InvalidDataException($"'{truthPath}' lists no page.");
        }

        return new ExtractionReport(scores, scores.Average(s => s.Precision), scores.Average(s => s.Recall), cleaning);
    }

    /// <summary>The article's text as scored: dateline words (city, date, agency: punctuation is not a token), then each paragraph.</summary>
    public static string BodyText(ArticleCleaned article)
    {
        var parts = new List<string>();
        if (article.Dateline is { } d)
        {
            parts.Add(string.Join(" ", new[] { d.City, d.Date, d.Agency }.Where(s => !string.IsNullOrEmpty(s))));
        }

        parts.AddRange(article.Paragraphs);
        return string.Join("\n", parts);
    }

    /// <summary>A broken ground-truth.json is named with its line and column, as every data file is (exit code 2, not a crash).</summary>
    private static JsonDocument ReadTruth(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(JsonErrors.Describe(path, e), e);
        }
    }

    private static byte[] ReadPage(string folder, string key)
    {
        var gz = Path.Combine(folder, "html", key + ".html.gz");
        if (File.Exists(gz))
        {
            using var input = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            return buffer.ToArray();
        }

        var plain = Path.Combine(folder, "html", key + ".html");
        return File.Exists(plain)
            ? File.ReadAllBytes(plain)
            : throw new InvalidDataException($"ground-truth.json lists '{key}' but html/{key}.html.gz is missing.");
    }

    private static ArticleFetched Fetched(string key, string url, string html, DateTimeOffset now) => new()
    {
        ArticleId = key,
        Version = 1,
        SourceId = "eval",
        Url = url,
        ProducedAt = now,
        Content = html,
        ContentType = "text/html",
        ContentHash = key,
        FetchedAt = now,
    };
}
