using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Wirewatch.Cleaning;
using Wirewatch.Cleaning.Evaluation;
using Wirewatch.Contracts;
using Wirewatch.Fetching;

namespace Wirewatch.Benchmarks.Extraction;

/// <summary>
/// <c>-- extraction-candidates --corpus DIR</c>: SmartReader (the Readability port on AngleSharp that issue 16 names)
/// beside our cleaner, on a folder in the Article Extraction Benchmark's layout, by that benchmark's metric
/// (<see cref="ShingleMetric"/>, as <c>wirewatch eval extraction</c> computes it). Each candidate gets the same decoded
/// page and URL; a third row uses SmartReader as a second opinion where our cleaner rejects the page or keeps under
/// 50 words. Times are Stopwatch sums in one process: a ratio, not an absolute figure.
/// </summary>
public static class ExtractionCandidates
{
    private sealed record Page(string Key, string Url, string Truth, string Html);

    private sealed record Candidate(string Name, Func<Page, string> Extract);

    public static int Run(string corpus, TextWriter output)
    {
        var pages = Load(corpus);
        var root = FindRepositoryRoot();
        var cleaner = new WireArticleCleaner(new CleanerOptions(), CleaningRules.Load(Path.Combine(root, "src", "Wirewatch.Worker", "defaults", "cleaning-rules.json")));
        var ours = new Dictionary<string, string>();
        Candidate[] candidates =
        [
            new("Wirewatch cleaner", p => ours[p.Key] = Ours(cleaner, p)),
            new("SmartReader 0.11.1", SmartReaderText),
            new("Wirewatch, SmartReader under 50 words", p =>
            {
                var own = ours.TryGetValue(p.Key, out var o) ? o : Ours(cleaner, p);
                return ShingleMetric.Tokens(own).Count >= 50 ? own : SmartReaderText(p);
            }),
        ];

        output.WriteLine($"{pages.Count} pages from {corpus}");
        output.WriteLine($"{"candidate",-40} {"F1",6} {"P",6} {"R",6} {"zero",5} {"pages/s",8}");
        foreach (var candidate in candidates)
        {
            var (precision, recall, zero) = (0.0, 0.0, 0);
            var clock = Stopwatch.StartNew();
            foreach (var page in pages)
            {
                string text;
                try
                {
                    text = candidate.Extract(page);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    text = ""; // a candidate that throws on a page extracted nothing from it
                }

                var (tp, fp, fn) = ShingleMetric.Match(page.Truth, text);
                var (p, r) = ShingleMetric.PrecisionRecall(tp, fp, fn);
                precision += p;
                recall += r;
                zero += p + r == 0 ? 1 : 0;
            }

            clock.Stop();
            precision /= pages.Count;
            recall /= pages.Count;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{candidate.Name,-40} {f1,6:0.000} {precision,6:0.000} {recall,6:0.000} {zero,5} {pages.Count / clock.Elapsed.TotalSeconds,8:0.0}"));
        }

        return 0;
    }

    private static string Ours(WireArticleCleaner cleaner, Page page) =>
        cleaner.Clean(new ArticleFetched
        {
            ArticleId = page.Key, Version = 1, SourceId = "eval", Url = page.Url, ProducedAt = DateTimeOffset.UnixEpoch,
            Content = page.Html, ContentType = "text/html", ContentHash = page.Key, FetchedAt = DateTimeOffset.UnixEpoch,
        }).Article is { } article ? ExtractionEvaluation.BodyText(article) : "";

    private static string SmartReaderText(Page page)
    {
        var article = new SmartReader.Reader(page.Url, page.Html).GetArticle();
        return article.IsReadable ? article.TextContent ?? "" : "";
    }

    private static List<Page> Load(string corpus)
    {
        using var truth = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(corpus, "ground-truth.json")));
        var pages = new List<Page>();
        foreach (var entry in truth.RootElement.EnumerateObject().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            using var input = new GZipStream(File.OpenRead(Path.Combine(corpus, "html", entry.Name + ".html.gz")), CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            string html;
            try
            {
                html = TextDecoding.Decode(buffer.ToArray(), declaredCharset: null).Text;
            }
            catch (FetchFailedException)
            {
                html = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            }

            pages.Add(new Page(entry.Name, entry.Value.GetProperty("url").GetString() ?? "", entry.Value.GetProperty("articleBody").GetString() ?? "", html));
        }

        return pages;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (Directory.Packages.props) was not found above the benchmark's folder.");
    }
}
