using Wirewatch.Tests.Shared;

namespace Wirewatch.Cleaning.Tests;

public sealed class WireArticleCleanerTests
{
    // The shipped rules: the page below is in Yonhap's layout, which its rule knows (and reads on Seoul's clock).
    private readonly WireArticleCleaner _cleaner = new(new CleanerOptions(), CleaningRules.Load(TestPaths.Defaults("cleaning-rules.json")));

    private const string Page = """
        Go to Contents Go to Navigation

        (2nd LD)(URGENT) Ministry confirms second launch within a week

        All News 23:05 December 31, 2024

        (CORRECTS number of launches in para 2)

        SEOUL, Dec. 31 (Yonhap) -- The defense ministry confirmed late Tuesday that a second launch had taken place within a week, and said it was analysing the trajectory with its allies.

        The first launch, on Dec. 25, had been detected by radar stations in the south, the ministry said, adding that both flights ended in the sea.
        (END)

        HOME TOP
        Send Feedback
        How can we improve?
        Thanks for your feedback!
        """;

    [Fact]
    public void Cleaner_reads_headline_flags_note_stamp_and_dateline_of_the_wire_layout()
    {
        var article = _cleaner.Clean(Articles.FromText(Page)).Article!;

        article.Headline.ShouldBe("Ministry confirms second launch within a week");
        article.Flags.ShouldBe(["2nd LD", "URGENT"]);
        article.EditorNote.ShouldBe("CORRECTS number of launches in para 2");
        article.PublishedAt.ShouldBe(new DateTimeOffset(2024, 12, 31, 23, 5, 0, TimeSpan.FromHours(9)));
        article.Dateline!.City.ShouldBe("SEOUL");
        article.Dateline.Date.ShouldBe("Dec. 31");
        article.Paragraphs.Count.ShouldBe(2);
        article.Paragraphs[0].ShouldStartWith("The defense ministry confirmed");
        article.Warnings.ShouldBe(["short-body"]);
    }

    [Fact]
    public void Cleaner_drops_feedback_widget_and_navigation_lines()
    {
        var article = _cleaner.Clean(Articles.FromText(Page)).Article!;

        var everything = string.Join("\n", article.Paragraphs) + article.Headline;
        foreach (var line in new[] { "Go to Contents", "HOME TOP", "Send Feedback", "How can we improve?", "Thanks for your feedback!", "(END)" })
        {
            everything.ShouldNotContain(line);
        }
    }

    [Fact]
    public void Cleaner_flags_a_dateline_more_than_a_day_from_the_stamp()
    {
        var page = Page.Replace("SEOUL, Dec. 31 (Yonhap)", "SEOUL, Dec. 3 (Yonhap)", StringComparison.Ordinal);

        _cleaner.Clean(Articles.FromText(page)).Article!.Warnings.ShouldContain(CleaningCodes.DatelineDateMismatch);
    }

    [Fact]
    public void Cleaner_accepts_a_dateline_one_day_off_across_new_year()
    {
        var page = Page.Replace("SEOUL, Dec. 31 (Yonhap)", "SEOUL, Jan. 1 (Yonhap)", StringComparison.Ordinal);

        _cleaner.Clean(Articles.FromText(page)).Article!.Warnings.ShouldNotContain(CleaningCodes.DatelineDateMismatch);
    }

    [Fact]
    public void Cleaner_reads_an_html_article_and_ignores_scripts_menus_and_share_bars()
    {
        var html = """
            <html><head><title>Site</title><meta property="article:published_time" content="2025-03-07T08:30:00+00:00"></head>
            <body><nav><a>Home</a><a>World</a></nav><script>var tracking = 1;</script>
            <article><h1>(LEAD) Council extends panel's mandate by a year</h1>
            <p>UNITED NATIONS, March 7 (UPI) -- The council voted on Friday to extend the mandate of its monitoring panel for another year.</p>
            <p>Thirteen members voted in favour and two abstained.</p>
            <div class="share"><button>Share</button></div></article>
            <footer>Copyright 2025 Example. All rights reserved.</footer></body></html>
            """;

        var article = _cleaner.Clean(Articles.FromText(html, contentType: "text/html")).Article!;

        article.Headline.ShouldBe("Council extends panel's mandate by a year");
        article.Flags.ShouldBe(["LEAD"]);
        article.Dateline!.City.ShouldBe("UNITED NATIONS");
        article.Dateline.Agency.ShouldBe("UPI");
        article.Dateline.Date.ShouldBe("March 7");
        article.PublishedAt.ShouldBe(new DateTimeOffset(2025, 3, 7, 17, 30, 0, TimeSpan.FromHours(9)));
        article.Paragraphs.ShouldBe([
            "The council voted on Friday to extend the mandate of its monitoring panel for another year.",
            "Thirteen members voted in favour and two abstained.",
        ]);
    }

    [Fact]
    public void Cleaner_reads_an_agency_dateline_without_a_date()
    {
        var text = "Allies hold talks\n\nWASHINGTON (AP) \u2014 Officials met on Monday to discuss the alliance and its next steps for the region.";

        var article = _cleaner.Clean(Articles.FromText(text)).Article!;

        article.Dateline.ShouldBe(new Contracts.Dateline { City = "WASHINGTON", Agency = "AP", Date = null });
        article.Paragraphs[0].ShouldStartWith("Officials met on Monday");
        article.Warnings.ShouldContain(CleaningCodes.NoTimestamp);
    }

    [Theory]
    [InlineData("SEOUL, South Korea (AP) \u2014 Officials", "SEOUL", "AP", null)]
    [InlineData("PYEONGTAEK, South Korea, June 29 (UPI) -- Officials", "PYEONGTAEK", "UPI", "June 29")]
    [InlineData("TOKYO, Japan (AP) \u2014 Officials", "TOKYO", "AP", null)]
    public void Cleaner_reads_datelines_that_name_the_country_after_the_city(string lead, string city, string agency, string? date)
    {
        var text = $"Allies hold talks\n\n{lead} met on Monday to discuss the alliance and its next steps for the region.";

        var article = _cleaner.Clean(Articles.FromText(text)).Article!;

        article.Dateline.ShouldBe(new Contracts.Dateline { City = city, Agency = agency, Date = date });
        article.Paragraphs[0].ShouldStartWith("Officials met on Monday");
        article.Warnings.ShouldNotContain(CleaningCodes.NoDateline);
    }

    [Theory]
    [InlineData("", CleaningCodes.Empty)]
    [InlineData("   \n\n  ", CleaningCodes.Empty)]
    [InlineData("\0\0\0\u0001\u0002binary\0\0\0\0\0\0\0\0\0\0", CleaningCodes.Binary)]
    [InlineData("Go to Contents Go to Navigation\n\nHOME TOP\nSend Feedback", CleaningCodes.NoHeadline)]
    [InlineData("404 Not Found\n\nThe page you asked for is gone.", CleaningCodes.NotFoundPage)]
    [InlineData("Just a headline", CleaningCodes.NoBody)]
    public void Cleaner_rejects_what_is_not_an_article_with_a_reason(string content, string reason)
    {
        var result = _cleaner.Clean(Articles.FromText(content));

        result.IsRejected.ShouldBeTrue();
        result.RejectionReason.ShouldBe(reason);
        result.RejectionDetail.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Every_shipped_sample_cleans_with_a_stamp_and_a_dateline()
    {
        foreach (var file in Directory.EnumerateFiles(TestPaths.SamplesFolder))
        {
            var result = _cleaner.Clean(Articles.FromFile(file));

            result.IsRejected.ShouldBeFalse($"{file}: {result.RejectionDetail}");
            result.Article!.PublishedAt.ShouldNotBeNull(file);
            result.Article.Dateline.ShouldNotBeNull(file);
            result.Article.Warnings.ShouldNotContain(CleaningCodes.DatelineDateMismatch, file);
            result.Article.Paragraphs.Count.ShouldBeGreaterThanOrEqualTo(4, file);
        }
    }

    // The language counts Hangul syllables (U+AC00-U+D7A3) and ASCII letters, eight characters at a time; "The report
    // said ... on the day." has 21 letters. The range ends count; the characters just outside them must not.
    [Theory]
    [InlineData("\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00 \uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3 \uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00 \uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3", "ko")]
    [InlineData("\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF \uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF\uABFF", "en")]
    [InlineData("\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4 \uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4\uD7A4", "en")]
    [InlineData("\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00 \uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3\uD7A3 \uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00\uAC00 @@@@@@@@@@[[[[[[[[[[``````````{{{{{{{{{{", "ko")]
    public void Language_counts_hangul_syllables_and_ascii_letters_only(string middle, string language)
    {
        var page = $"""
            Ministry publishes a count of characters

            The report said {middle} on the day.
            """;

        var article = _cleaner.Clean(Articles.FromText(page)).Article!;

        article.Language.ShouldBe(language);
    }
}
