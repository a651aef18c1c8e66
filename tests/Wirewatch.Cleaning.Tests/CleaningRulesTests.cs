using Wirewatch.Tests.Shared;

namespace Wirewatch.Cleaning.Tests;

public sealed class CleaningRulesTests
{
    private static readonly CleaningRules Shipped = CleaningRules.Load(TestPaths.Defaults("cleaning-rules.json"));

    [Fact]
    public void Shipped_rules_know_yonhap_by_host_and_source_id()
    {
        Shipped.ForArticle("any", "https://en.yna.co.kr/view/AEN1")!.Id.ShouldBe("yonhap");
        Shipped.ForArticle("yonhap-nk", "file:///tmp/page.html")!.Id.ShouldBe("yonhap");
        Shipped.ForArticle("any", "https://example.org/a")?.Id.ShouldBeNull();
    }

    [Fact]
    public void A_saved_yonhap_page_without_its_url_is_cleaned_by_the_yonhap_rule()
    {
        var html = """
            <html><head><title>Site</title></head><body>
            <h1>Most read today on the site</h1>
            <div class="title-article01"><h1 class="tit">(LEAD) Ministry denies report on troop cuts</h1><p class="update-time">2025-06-02 21:40</p></div>
            <article class="story-news"><p>SEOUL, June 2 (Yonhap) -- The defense ministry on Monday denied a media report that the United States was weighing a cut in its troops stationed in South Korea.</p>
            <div class="writer-zone01">Kim Eun-jung ejkim@yna.co.kr</div></article>
            <div class="related-group"><p>Related: U.S. general says no change in force posture planned for now</p></div>
            </body></html>
            """;
        var cleaner = new WireArticleCleaner(new CleanerOptions { StampOffset = TimeSpan.Zero }, Shipped);

        var article = cleaner.Clean(Articles.FromText(html, url: "file:///home/me/saved.html", contentType: "text/html")).Article!;

        article.Headline.ShouldBe("Ministry denies report on troop cuts");
        article.Flags.ShouldBe(["LEAD"]);
        article.PublishedAt.ShouldBe(new DateTimeOffset(2025, 6, 2, 21, 40, 0, TimeSpan.FromHours(9)), "the rule's clock, not the default offset");
        article.Paragraphs.ShouldBe(["The defense ministry on Monday denied a media report that the United States was weighing a cut in its troops stationed in South Korea."]);
    }

    [Fact]
    public void A_time_zone_rule_follows_daylight_saving()
    {
        var rules = CleaningRules.Parse("""{"sources":[{"id":"ap","hosts":["apnews.com"],"timeZone":"America/New_York"}]}""", "test");
        var cleaner = new WireArticleCleaner(new CleanerOptions(), rules);
        const string Page = "Allies agree on new talks\n\n{0}\n\nWASHINGTON (AP) \u2014 Officials from both countries met on Monday and agreed to hold a new round of talks next month.";

        Stamp("January 6, 2025 9:00 AM").ShouldBe(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.FromHours(-5)));
        Stamp("July 7, 2025 9:00 AM").ShouldBe(new DateTimeOffset(2025, 7, 7, 9, 0, 0, TimeSpan.FromHours(-4)));

        DateTimeOffset? Stamp(string stamp) =>
            cleaner.Clean(Articles.FromText(string.Format(System.Globalization.CultureInfo.InvariantCulture, Page, stamp), url: "https://apnews.com/article/x")).Article!.PublishedAt;
    }

    [Fact]
    public void Feed_time_is_used_when_the_page_has_none_in_the_source_clock()
    {
        var cleaner = new WireArticleCleaner(new CleanerOptions(), Shipped);
        var raw = Articles.FromText("Allies agree on new talks\n\nSEOUL, May 2 (Yonhap) -- Officials from both countries met on Friday and agreed to hold new talks.",
            url: "https://en.yna.co.kr/view/AEN2") with
        {
            Feed = new Contracts.FeedHints { PublishedAt = new DateTimeOffset(2025, 5, 2, 1, 30, 0, TimeSpan.Zero) },
        };

        cleaner.Clean(raw).Article!.PublishedAt.ShouldBe(new DateTimeOffset(2025, 5, 2, 10, 30, 0, TimeSpan.FromHours(9)));
    }

    [Theory]
    [InlineData("""{"sources":[{"id":"x","body":"article[["}]}""", "sources[0] ('x'): 'body' is not a CSS selector")]
    [InlineData("""{"sources":[{"id":"x","dropLines":["(unclosed"]}]}""", "sources[0] ('x'): 'dropLines' has an invalid pattern")]
    [InlineData("""{"sources":[{"id":"x","timeZone":"Mars/Olympus"}]}""", "sources[0] ('x'): 'timeZone' must be an offset")]
    [InlineData("""{"sources":[{"hosts":["a.com"]}]}""", "sources[0]: 'id' is required")]
    [InlineData("""{"sources": [""", "not valid JSON")]
    public void A_bad_rules_file_is_refused_with_a_message_naming_the_rule_and_key(string json, string message)
    {
        Should.Throw<InvalidDataException>(() => CleaningRules.Parse(json, "rules.json")).Message.ShouldContain(message);
    }

    [Fact]
    public void A_saved_text_rendering_in_Yonhap_s_layout_gets_Yonhap_s_rule_and_clock()
    {
        var page = "Go to Contents Go to Navigation\n\nHarbour pilots strike over pay\n\nAll News 09:15 March 07, 2025\n\n"
                   + "BUSAN, March 7 (Yonhap) -- Harbour pilots in the southern port city went on strike on Friday over pay, delaying the departure of a dozen container ships, port officials said.\n\n"
                   + "The pilots' union said talks with the port authority had broken down on Thursday evening.\n(END)\n";
        var cleaner = new WireArticleCleaner(new CleanerOptions(), Shipped);

        var article = cleaner.Clean(Articles.FromText(page, url: "file:///saved/pilots.txt")).Article!;

        Shipped.ForText(page)!.Id.ShouldBe("yonhap");
        article.PublishedAt.ShouldBe(new DateTimeOffset(2025, 3, 7, 9, 15, 0, TimeSpan.FromHours(9)));
        article.Warnings.ShouldNotContain(CleaningCodes.ZonelessTime);
    }
}
