using System.Text;
using System.Text.Json;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Contracts.Tests;

/// <summary>
/// The raw article travels as a JSON string, never as base64'd bytes (which alone would cost 33%): the article's part
/// of the body stays within 10% of the article's own bytes at every size, and the whole body, envelope included,
/// within 10% for a page as fetched from the web. The envelope (ids, url, hash, times: about 330 bytes) is fixed, so a
/// 2.5 KB text rendering's whole body is about 1.15x; docs/benchmarks.md has the figures.
/// </summary>
public sealed class WireSizeTests
{
    private const double MaxOverhead = 1.10;

    [Fact]
    public void Text_samples_are_carried_as_strings_within_ten_percent()
    {
        foreach (var sample in Directory.EnumerateFiles(TestPaths.SamplesFolder))
        {
            ContentRatio(File.ReadAllText(sample)).ShouldBeLessThanOrEqualTo(MaxOverhead, Path.GetFileName(sample));
        }
    }

    [SeedFact]
    public void Seed_pages_are_carried_as_strings_within_ten_percent()
    {
        foreach (var seed in Directory.EnumerateFiles(TestPaths.SeedsFolder, "*.txt"))
        {
            ContentRatio(File.ReadAllText(seed)).ShouldBeLessThanOrEqualTo(MaxOverhead, Path.GetFileName(seed));
        }
    }

    [Fact]
    public void A_100_kilobyte_html_page_with_scripts_and_korean_navigation_stays_within_ten_percent_envelope_included()
    {
        var page = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story</title>");
        page.Append("<script type=\"text/javascript\">var cfg = {\"section\": \"nk\", \"ads\": [\"top\", \"side\"]};</script></head><body>");
        while (page.Length < 100_000)
        {
            page.Append("<nav class=\"gnb\"><a href=\"/nk/index\" class=\"menu-item\">북한 North Korea</a></nav>");
            page.Append("<p class=\"txt\">Officials said on Tuesday that the drills would continue for a week, a statement said.</p>\n");
        }

        page.Append("</body></html>");
        var content = page.ToString();

        var ratio = (double)Body(content).Length / Encoding.UTF8.GetByteCount(content);

        ratio.ShouldBeLessThanOrEqualTo(MaxOverhead);
    }

    /// <summary>What the article adds to the body (the body minus the same message with no content), per article byte.</summary>
    private static double ContentRatio(string content) =>
        (double)(Body(content).Length - Body("").Length) / Encoding.UTF8.GetByteCount(content);

    private static byte[] Body(string content) =>
        JsonSerializer.SerializeToUtf8Bytes(
            Articles.FromText(content, url: "https://en.yna.co.kr/view/AEN20250414000351315", contentType: "text/html"), WireJson.Options);
}
