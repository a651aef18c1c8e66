using System.Globalization;
using System.Text.Json;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Cleaning.Tests;

/// <summary>The cleaner against ../shared/seeds/expected.json, field by field.</summary>
public sealed class SeedCleaningTests
{
    // The shipped rules, as the product runs: a saved Yonhap text rendering is known by its layout and read on Seoul's clock.
    private readonly WireArticleCleaner _cleaner = new(new CleanerOptions(), CleaningRules.Load(TestPaths.Defaults("cleaning-rules.json")));

    public static TheoryData<string> SeedFiles()
    {
        var data = new TheoryData<string>();
        if (TestPaths.HasSeeds)
        {
            foreach (var article in TestPaths.ExpectedSeeds().GetProperty("articles").EnumerateArray())
            {
                data.Add(article.GetProperty("file").GetString()!);
            }
        }
        else
        {
            data.Add("(no seeds)");
        }

        return data;
    }

    [SeedTheory]
    [MemberData(nameof(SeedFiles))]
    public void Cleaner_gives_exactly_what_expected_json_says(string file)
    {
        var expected = TestPaths.ExpectedSeeds().GetProperty("articles").EnumerateArray()
            .Single(a => a.GetProperty("file").GetString() == file);

        var result = _cleaner.Clean(Articles.FromFile(Path.Combine(TestPaths.SeedsFolder, file)));

        result.IsRejected.ShouldBeFalse(result.RejectionDetail);
        var article = result.Article!;
        article.Headline.ShouldBe(expected.GetProperty("headline").GetString());
        article.Flags.ShouldBe(Strings(expected.GetProperty("flags")));
        article.EditorNote.ShouldBe(expected.GetProperty("editorNote").ValueKind == JsonValueKind.Null ? null : expected.GetProperty("editorNote").GetString());
        article.PublishedAt.ShouldBe(DateTimeOffset.Parse(expected.GetProperty("publishedLocal").GetString()!, CultureInfo.InvariantCulture));
        article.PublishedAt!.Value.Offset.ShouldBe(TimeSpan.FromHours(9));
        article.PublishedAt!.Value.UtcDateTime.ShouldBe(DateTimeOffset.Parse(expected.GetProperty("publishedUtc").GetString()!, CultureInfo.InvariantCulture).UtcDateTime);

        var dateline = expected.GetProperty("dateline");
        article.Dateline.ShouldNotBeNull();
        article.Dateline.City.ShouldBe(dateline.GetProperty("city").GetString());
        article.Dateline.Agency.ShouldBe(dateline.GetProperty("agency").GetString());
        article.Dateline.Date.ShouldBe(dateline.GetProperty("date").GetString());

        article.Paragraphs.Count.ShouldBe(expected.GetProperty("paragraphs").GetInt32());
        article.Paragraphs[0].ShouldStartWith(expected.GetProperty("bodyStartsWith").GetString()!);
        article.Paragraphs[^1].ShouldEndWith(expected.GetProperty("bodyEndsWith").GetString()!);
        var body = string.Join("\n", article.Paragraphs);
        foreach (var boilerplate in Strings(expected.GetProperty("mustNotContain")))
        {
            body.ShouldNotContain(boilerplate);
            article.Headline.ShouldNotContain(boilerplate);
        }

        article.Warnings.ShouldBe(Strings(expected.GetProperty("warnings")));
        article.Language.ShouldBe("en");
        article.WordCount.ShouldBeGreaterThan(300);
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
