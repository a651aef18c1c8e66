using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Cleaning.Tests;

/// <summary>
/// The failure modes of issue 16, each on a page written for this test (invented outlets and stories, no rule of their
/// own): what the generic reading must keep, drop and date.
/// </summary>
public sealed class GenericReadingTests
{
    private readonly WireArticleCleaner _cleaner = new(new CleanerOptions());

    private const string Lead = "The harbour authority of Portvale said on Monday that the old pier would close for repairs, after divers found cracks in three of its pillars.";
    private const string Second = "Engineers expect the work to take about four months, and ferries will use the northern berth in the meantime, a spokeswoman said.";
    private const string Third = "Fishermen, who land most of the town's catch at the pier, asked the council for a temporary market near the northern berth.";
    private const string Fourth = "The council said it would decide on the market at its next meeting, and that the repairs were paid for by last year's budget.";

    private static ArticleFetched Html(string html, string url = "https://portvale-news.example/2025/pier") =>
        Articles.FromText(html, url, "text/html");

    private CleanedArticle Clean(ArticleFetched page)
    {
        var result = _cleaner.Clean(page);
        result.RejectionReason.ShouldBeNull(result.RejectionDetail);
        return new CleanedArticle(result.Article!);
    }

    [Fact]
    public void A_body_split_by_an_ad_slot_a_continue_reading_link_and_headings_keeps_every_part_and_the_lead()
    {
        var article = Clean(Html($"""
            <html><head><title>Old pier to close for repairs - Portvale News</title></head><body>
            <nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li><li><a href="/sport">Sport</a></li></ul></nav>
            <h1>Old pier to close for repairs</h1>
            <div class="story">
              <div class="story-part"><p>{Lead}</p></div>
              <div class="ad-slot"><a href="https://ads.example/x">Advertisement</a></div>
              <div class="story-part"><p>{Second}</p></div>
              <p class="continue"><a href="/2025/pier?page=2">Continue reading</a></p>
              <h2>Fishermen worried</h2>
              <div class="story-part"><p>{Third}</p><p>{Fourth}</p></div>
            </div>
            <aside><p>Most read: a story about something else entirely that many readers opened this week.</p></aside>
            </body></html>
            """));

        article.Value.Headline.ShouldBe("Old pier to close for repairs");
        article.Value.Paragraphs[0].ShouldBe(Lead);
        article.Text.ShouldContain(Second);
        article.Text.ShouldContain(Third);
        article.Text.ShouldContain(Fourth);
        article.Text.ShouldNotContain("Advertisement");
        article.Text.ShouldNotContain("Most read");
    }

    [Fact]
    public void A_comment_thread_longer_than_the_article_is_not_chosen_as_the_body()
    {
        var comment = "I have fished from that pier for thirty years, and I remember when the council promised, again and again, that it would be repaired before it was too late, and now look at it. ";
        var comments = string.Concat(Enumerable.Range(1, 8).Select(i => $"<li class=\"comment\"><div class=\"comment-body\"><p>{comment}{i}.</p></div></li>"));
        var article = Clean(Html($"""
            <html><body><h1>Old pier to close for repairs</h1>
            <article><p>{Lead}</p><p>{Second}</p></article>
            <section id="comments"><h3>8 comments</h3><ol class="comment-list">{comments}</ol></section>
            </body></html>
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second]);
    }

    [Fact]
    public void A_photo_gallery_with_captions_is_not_chosen_as_the_body()
    {
        var slides = string.Concat(Enumerable.Range(1, 10).Select(i => $"<div class=\"gallery-slide\"><p>Photo {i}: divers inspect pillar {i} of the old pier, where cracks were found during the winter survey, with the ferry in the background.</p></div>"));
        var article = Clean(Html($"""
            <html><body><h1>Old pier to close for repairs</h1>
            <div class="gallery">{slides}</div>
            <div class="article-text"><p>{Lead}</p><p>{Second}</p><p>{Third}</p></div>
            </body></html>
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second, Third]);
    }

    [Fact]
    public void An_embedded_post_the_article_quotes_is_kept_though_its_wrapper_says_social()
    {
        var article = Clean(Html($"""
            <html><body><h1>Old pier to close for repairs</h1>
            <div class="entry-content"><p>{Lead}</p>
            <div class="social-media-embed"><blockquote class="twitter-tweet"><p>The pier has been falling apart for years and nobody listened to the fishermen until now.</p></blockquote></div>
            <p>{Second}</p></div>
            <div class="share-bar"><a href="/s1">Share on one site</a> <a href="/s2">Share on another</a></div>
            </body></html>
            """));

        article.Text.ShouldContain("The pier has been falling apart for years");
        article.Text.ShouldNotContain("Share on");
    }

    [Fact]
    public void Blog_widget_lines_and_ad_labels_in_other_languages_are_not_body()
    {
        var article = Clean(Articles.FromText($"""
            Old pier to close for repairs

            {Lead}

            Iklan

            {Second}

            Related post: Ferry timetable changes for the spring

            This slideshow requires JavaScript.

            {Third}

            Click here to subscribe to the Portvale Newsletter

            Like this:

            Like Loading...

            Filed under: Harbour | Ferries
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second, Third]);
    }

    [Fact]
    public void A_more_stories_list_under_a_heading_with_words_between_is_not_body()
    {
        var article = Clean(Articles.FromText($"""
            Old pier to close for repairs

            {Lead}

            {Second}

            More Great Harbour Stories

            Why the ferry to the islands still runs on a timetable from 1987

            Lighthouse keepers remember the long winters, and the one summer without fog
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second]);
    }

    [Fact]
    public void A_quoted_tweet_in_a_wrapper_named_for_video_is_kept()
    {
        var article = Clean(Html($"""
            <html><body><h1>Old pier to close for repairs</h1>
            <article class="entry"><p>{Lead}</p>
            <div class="video-container"><blockquote class="twitter-tweet"><p lang="en">Divers found the cracks on Friday and the harbour master closed the walkway within the hour, which was the right call.</p>— Portvale Harbour (@portvaleharbour) March 7, 2025</blockquote></div>
            <p>{Second}</p></article>
            </body></html>
            """));

        article.Text.ShouldContain("Divers found the cracks on Friday and the harbour master closed the walkway within the hour");
        article.Value.Paragraphs[^1].ShouldBe(Second);
    }

    [Fact]
    public void A_related_list_under_a_heading_with_an_ellipsis_is_not_body()
    {
        var result = _cleaner.Clean(Articles.FromText($"Old pier to close for repairs\n\n{Lead}\n\n{Second}\n\nVocê pode gostar...\n\nUm texto sobre outra coisa\n\nOutro texto sobre o tempo\n"));

        result.Article!.Paragraphs.ShouldBe([Lead, Second]);
    }

    [Fact]
    public void A_results_table_in_the_body_reads_a_row_a_line()
    {
        var article = Clean(Html($"""
            <html><body><h1>Portvale regatta results</h1>
            <div class="entry"><p>{Lead}</p>
            <table><tr><th>Pos.</th><th>Crew</th><th>Time</th><th>Points</th></tr>
            <tr><td>1</td><td>Northern Berth</td><td>41:05</td><td>25</td></tr>
            <tr><td>2</td><td>Old Pier Rowers</td><td>41:37</td><td>18</td></tr>
            <tr><td>3</td><td>Harbour Lights</td><td>42:10</td><td>15</td></tr></table>
            <p>{Second}</p></div>
            </body></html>
            """));

        article.Text.ShouldContain("1 Northern Berth 41:05 25");
        article.Text.ShouldContain("3 Harbour Lights 42:10 15");
    }

    [Fact]
    public void A_results_table_whose_rows_carry_a_furniture_word_in_their_class_is_kept()
    {
        // Sports tables name their rows after the data ("player-118"); "player" is otherwise a video player's word.
        var article = Clean(Html($"""
            <html><body><h1>Portvale regatta standings</h1>
            <div class="entry"><p>{Lead}</p>
            <table class="standings"><tr class="head"><td>Pos.</td><td>Crew</td><td>Points</td><td>Wins</td></tr>
            <tr class="oddrow player-118"><td>1</td><td>Northern Berth</td><td>125</td><td>4</td></tr>
            <tr class="evenrow player-207"><td>2</td><td>Old Pier Rowers</td><td>118</td><td>2</td></tr>
            <tr class="oddrow player-311"><td>3</td><td>Harbour Lights</td><td>97</td><td>1</td></tr></table>
            <p>{Second}</p></div>
            </body></html>
            """));

        article.Text.ShouldContain("1 Northern Berth 125 4");
        article.Text.ShouldContain("3 Harbour Lights 97 1");
    }

    [Fact]
    public void A_blog_post_with_other_posts_listed_below_it_keeps_its_own_only()
    {
        // Each of the other posts is longer than this one, and together they outweigh it by far. The post ends in a
        // signature rather than a full stop, in one block.
        var others = string.Concat(Enumerable.Range(1, 4).Select(i => $"""
            <article class="post postbox"><a href="/post-{i}"><img src="/p{i}.jpg"></a>
            <p>Another post, number {i}, about the lighthouse keepers of the northern coast and the long winters they spent alone with the lamp, the logbook and the sea. It was written for another day and another reader. Then it goes on about the ferry, the fog and the gulls, and about the bell that rang when the fog came in from the bay.</p></article>
            """));
        var article = Clean(Html($"""
            <html><body><div id="primary">
            <article class="post articlebox"><h1>Letter from the old pier</h1>
            <p class="brand" id="breadcrumbs"><a href="/">Home</a> » <a href="/letters">Letters</a></p>
            <p>{Lead} {Second} {Third} {Fourth} Dana Whitfield</p></article>
            {others}
            </div></body></html>
            """));

        article.Value.Paragraphs.ShouldBe([$"{Lead} {Second} {Third} {Fourth} Dana Whitfield"]);
        article.Text.ShouldNotContain("lighthouse");
    }

    [Fact]
    public void Furniture_named_in_camel_case_is_dropped_like_its_dashed_form()
    {
        // newsCaption, authorInfo-shortBiography and a NewsletterModule: the same furniture as news-caption or author-info.
        var article = Clean(Html($"""
            <html><body><h1>Old pier to close for repairs</h1>
            <article><div class="storyBody"><p>{Lead}</p>
            <div class="photo"><img src="/pier.jpg"><span class="newsCaption">Divers found cracks in three of the pillars under the old pier</span></div>
            <p>{Second}</p>
            <div class="NewsletterModule"><div class="NewsletterModule-title">Get our weekly harbour newsletter</div></div>
            <p>{Third}</p></div>
            <div class="authorInfo"><div class="authorInfo-shortBiography">Dana Whitfield has covered the harbour and its ferries for the paper since the year the northern berth opened to traffic.</div></div>
            </article></body></html>
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second, Third]);
    }

    [Fact]
    public void An_embedded_picture_s_caption_is_dropped_though_its_class_says_embed()
    {
        var article = Clean(Html($"""
            <html><body><h1>Old pier to close for repairs</h1>
            <div class="ArticleBody-articleBody"><p>{Lead}</p>
            <div class="InlineImage-imageEmbed"><img src="/pier.jpg"><div class="InlineImage-imageEmbedCaption">The old pier at low tide, with the ferry berth behind it, photographed from the harbour wall last winter.</div></div>
            <p>{Second}</p></div>
            </body></html>
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second]);
    }

    [Fact]
    public void Previous_and_next_story_teasers_and_a_publication_stamp_under_the_story_are_not_body()
    {
        var article = Clean(Html($"""
            <html><body><h1>Old pier to close for repairs</h1>
            <div class="post-content"><p>{Lead}</p><p>{Second}</p><p>{Third}</p>
            <div class="arttidate_pub">First Published on Mar 7, 2025 08:30 am</div>
            <div class="next-prev"><div class="row-desc"><a href="/ferry"><h5>New ferry timetable starts in spring</h5></a>
            <p>The harbour's ferries will sail every half hour from April, with an extra late boat on Fridays and Saturdays.</p></div></div>
            </div></body></html>
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second, Third]);
    }

    private static string JsonLdWithBody(string body) =>
        "<script type=\"application/ld+json\">" + System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://schema.org", ["@type"] = "NewsArticle", ["headline"] = "Old pier to close for repairs", ["articleBody"] = body,
        }) + "</script>";

    [Fact]
    public void A_body_built_by_a_script_is_read_from_the_JSON_LD_articleBody()
    {
        var article = Clean(Html($"""
            <html><head>{JsonLdWithBody($"{Lead}\n{Second}\n\n{Third}\n{Fourth}")}</head>
            <body><h1>Old pier to close for repairs</h1><div id="app"><div class="story-root"><p>Loading the story…</p></div></div>
            <script src="/bundle.js"></script></body></html>
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second, Third, Fourth]);
    }

    [Fact]
    public void A_body_in_the_markup_is_read_from_the_markup_whatever_the_JSON_LD_says()
    {
        var article = Clean(Html($"""
            <html><head>{JsonLdWithBody("A short summary of the pier story for search engines, which is not what the page shows its readers at all, and says so at length.")}</head>
            <body><h1>Old pier to close for repairs</h1><div class="story"><p>{Lead}</p><p>{Second}</p><p>{Third}</p></div></body></html>
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second, Third]);
    }

    [Fact]
    public void Itemprop_articleBody_in_a_token_list_marks_the_body()
    {
        var article = Clean(Html($"""
            <html><body><h1>Old pier to close for repairs</h1>
            <div class="teasers"><p>Another story of the day, with a long summary so that it looks like prose to a scorer that counts only words.</p>
            <p>A second teaser, also long enough to be read as a paragraph, about the weather at the weekend and the ferry timetable.</p></div>
            <div itemprop="description articleBody"><p>{Lead}</p><p>{Second}</p></div>
            </body></html>
            """));

        article.Value.Paragraphs.ShouldBe([Lead, Second]);
    }

    [Fact]
    public void A_page_in_a_language_written_without_spaces_is_not_rejected()
    {
        var article = Clean(Html("""
            <html lang="ja"><body><h1>旧桟橋、修理のため閉鎖へ</h1>
            <div class="entry"><p>港湾局は月曜日、柱三本にひびが見つかったため、旧桟橋を修理のために閉鎖すると発表した。</p>
            <p>工事には約四か月かかる見込みで、その間フェリーは北側の岸壁を使うという。</p></div>
            </body></html>
            """));

        article.Value.Headline.ShouldBe("旧桟橋、修理のため閉鎖へ");
        article.Value.Paragraphs.Count.ShouldBe(2);
        article.Value.WordCount.ShouldBeGreaterThan(20);
    }

    [Theory]
    [InlineData("Old pier to close for repairs - Breitbart")]
    [InlineData("Old pier to close for repairs | CNN")]
    [InlineData("Portvale News : Old pier to close for repairs")]
    public void The_title_fallback_loses_the_site_name(string title)
    {
        var article = Clean(Html($"""
            <html><head><title>{title}</title><meta property="og:site_name" content="Portvale News"></head>
            <body><div><p>{Lead}</p><p>{Second}</p></div></body></html>
            """));

        article.Value.Headline.ShouldBe("Old pier to close for repairs");
    }

    [Fact]
    public void A_title_with_a_dash_of_its_own_keeps_it()
    {
        var article = Clean(Html($"""
            <html><head><title>Pier repairs - and a market - split the council | Portvale News</title></head>
            <body><div><p>{Lead}</p><p>{Second}</p></div></body></html>
            """));

        article.Value.Headline.ShouldBe("Pier repairs - and a market - split the council");
    }

    [Fact]
    public void A_text_rendering_without_a_headline_keeps_every_paragraph_and_warns()
    {
        var result = _cleaner.Clean(Articles.FromText($"{Lead}\n\nShort line here\n\n{Second}\n\n{Third}\n"));

        var article = result.Article.ShouldNotBeNull(result.RejectionDetail);
        article.Paragraphs[0].ShouldBe(Lead);
        article.Paragraphs.ShouldContain(Second);
        article.Paragraphs.ShouldContain(Third);
        article.Warnings.ShouldContain(CleaningCodes.NoHeadline);
        article.Headline.ShouldStartWith("The harbour authority of Portvale said");
    }

    [Fact]
    public void The_feed_title_is_the_headline_when_the_page_has_none()
    {
        var fetched = Articles.FromText($"{Lead}\n\n{Second}\n") with { Feed = new FeedHints { Title = "Old pier to close for repairs" } };

        var article = _cleaner.Clean(fetched).Article.ShouldNotBeNull();

        article.Headline.ShouldBe("Old pier to close for repairs");
        article.Paragraphs.ShouldBe([Lead, Second]);
        article.Warnings.ShouldNotContain(CleaningCodes.NoHeadline);
    }

    [Theory]
    [InlineData("SEOUL, Oct. 1 (Yonhap) -- ", "SEOUL", "Yonhap", "Oct. 1")]
    [InlineData("SEOUL, Oct. 1 (Yonhap) \u2014 ", "SEOUL", "Yonhap", "Oct. 1")]
    [InlineData("Pyongyang, Dec 22 (IANS) ", "Pyongyang", "IANS", "Dec 22")]
    [InlineData("Pyongyang, November 1 (KCNA) -- ", "Pyongyang", "KCNA", "November 1")]
    [InlineData("TOKYO, Nov. 1 (Kyodo) -- ", "TOKYO", "Kyodo", "Nov. 1")]
    [InlineData("BEIJING, Nov. 1 (Xinhua) -- ", "BEIJING", "Xinhua", "Nov. 1")]
    [InlineData("SEOUL, South Korea (AP) \u2014 ", "SEOUL", "AP", null)]
    [InlineData("Seoul, South Korea (AFP) - ", "Seoul", "AFP", null)]
    [InlineData("SEOUL, Nov 1 (Reuters) - ", "SEOUL", "Reuters", "Nov 1")]
    [InlineData("UNITED NATIONS, Nov. 1 (UPI) -- ", "UNITED NATIONS", "UPI", "Nov. 1")]
    public void Datelines_of_the_major_wires_are_recognised(string dateline, string city, string agency, string? date)
    {
        var result = _cleaner.Clean(Articles.FromText($"Old pier to close for repairs\n\n{dateline}{Lead}\n\n{Second}\n"));

        var article = result.Article.ShouldNotBeNull();
        article.Dateline.ShouldNotBeNull();
        article.Dateline.City.ShouldBe(city);
        article.Dateline.Agency.ShouldBe(agency);
        article.Dateline.Date.ShouldBe(date);
        article.Paragraphs[0].ShouldBe(Lead);
    }

    [Fact]
    public void A_stamp_without_a_year_takes_the_year_of_the_feed_date()
    {
        var fetched = Articles.FromText($"Old pier to close for repairs\n\nDec. 30 14:05 KST\n\n{Lead}\n\n{Second}\n") with
        {
            Feed = new FeedHints { PublishedAt = new DateTimeOffset(2024, 12, 30, 5, 5, 0, TimeSpan.Zero) },
            FetchedAt = new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero),
        };

        var article = _cleaner.Clean(fetched).Article.ShouldNotBeNull();

        article.PublishedAt.ShouldBe(new DateTimeOffset(2024, 12, 30, 14, 5, 0, TimeSpan.FromHours(9)));
    }

    [Fact]
    public void A_stamp_without_a_year_and_no_other_date_is_the_latest_such_day_before_the_fetch()
    {
        var fetched = Articles.FromText($"Old pier to close for repairs\n\nDec. 30 14:05 KST\n\n{Lead}\n\n{Second}\n") with
        {
            FetchedAt = new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero),
        };

        _cleaner.Clean(fetched).Article!.PublishedAt.ShouldBe(new DateTimeOffset(2024, 12, 30, 14, 5, 0, TimeSpan.FromHours(9)));
    }

    [Fact]
    public void A_byline_date_with_a_US_zone_abbreviation_is_read()
    {
        var article = Clean(Articles.FromText($"Old pier to close for repairs\n\nBy Dana Whitfield | 11/01/22 11:29 AM ET\n\n{Lead}\n\n{Second}\n"));

        // November 1, 2022 is still daylight saving time in New York: ET is -04:00; shown on the +09:00 clock.
        article.Value.PublishedAt.ShouldBe(new DateTimeOffset(2022, 11, 1, 11, 29, 0, TimeSpan.FromHours(-4)));
    }

    [Fact]
    public void A_meta_time_without_a_zone_gives_way_to_JSON_LD_in_UTC()
    {
        var article = Clean(Html($"""
            <html><head>
            <meta name="pubdate" content="2025-03-07 08:30">
            <script type="application/ld+json">{"{"}"@type":"NewsArticle","datePublished":"2025-03-07T08:30:00Z"{"}"}</script>
            </head><body><h1>Old pier to close for repairs</h1><div><p>{Lead}</p><p>{Second}</p></div></body></html>
            """));

        article.Value.PublishedAt.ShouldBe(new DateTimeOffset(2025, 3, 7, 8, 30, 0, TimeSpan.Zero));
    }

    private string ZonelessPage(string meta) => $"""
        <html><head>{meta}</head>
        <body><h1>Old pier to close for repairs</h1><div><p>{Lead}</p><p>{Second}</p></div></body></html>
        """;

    [Fact]
    public void A_time_without_a_zone_on_a_site_with_no_rule_is_read_as_UTC_and_flagged_not_given_Seoul_s_offset()
    {
        var article = Clean(Html(ZonelessPage("""<meta property="article:published_time" content="2025-03-07T08:30:00">""")));

        article.Value.PublishedAt.ShouldBe(new DateTimeOffset(2025, 3, 7, 8, 30, 0, TimeSpan.Zero));
        article.Value.PublishedAt!.Value.Offset.ShouldBe(TimeSpan.Zero);
        article.Value.Warnings.ShouldContain(CleaningCodes.ZonelessTime);
    }

    [Fact]
    public void A_time_with_its_zone_on_a_site_with_no_rule_keeps_the_instant_and_is_not_flagged()
    {
        var article = Clean(Html(ZonelessPage("""<meta property="article:published_time" content="2025-03-07T08:30:00-05:00">""")));

        article.Value.PublishedAt!.Value.UtcDateTime.ShouldBe(new DateTime(2025, 3, 7, 13, 30, 0, DateTimeKind.Utc));
        article.Value.Warnings.ShouldNotContain(CleaningCodes.ZonelessTime);
    }

    [Fact]
    public void A_time_without_a_zone_takes_the_zone_of_the_site_s_rule()
    {
        var rules = CleaningRules.Parse("""{"sources":[{"id":"portvale","hosts":["portvale-news.example"],"timeZone":"+09:00"}]}""", "test");
        var result = new WireArticleCleaner(new CleanerOptions(), rules)
            .Clean(Html(ZonelessPage("""<meta property="article:published_time" content="2025-03-07T08:30:00">""")));

        result.Article!.PublishedAt.ShouldBe(new DateTimeOffset(2025, 3, 7, 8, 30, 0, TimeSpan.FromHours(9)));
        result.Article.Warnings.ShouldNotContain(CleaningCodes.ZonelessTime);
    }

    [Fact]
    public void A_stamp_line_without_a_zone_in_a_text_rendering_of_an_unknown_site_is_flagged_too()
    {
        var article = Clean(Articles.FromText($"Old pier to close for repairs\n\nPosted 2025-03-07 08:30\n\n{Lead}\n\n{Second}\n"));

        article.Value.PublishedAt.ShouldBe(new DateTimeOffset(2025, 3, 7, 8, 30, 0, TimeSpan.Zero));
        article.Value.Warnings.ShouldContain(CleaningCodes.ZonelessTime);
    }

    [Fact]
    public void An_operator_s_StampOffset_is_the_clock_of_sites_with_no_rule_and_nothing_is_flagged()
    {
        var result = new WireArticleCleaner(new CleanerOptions { StampOffset = TimeSpan.FromHours(-5) })
            .Clean(Html(ZonelessPage("""<meta property="article:published_time" content="2025-03-07T08:30:00">""")));

        result.Article!.PublishedAt.ShouldBe(new DateTimeOffset(2025, 3, 7, 8, 30, 0, TimeSpan.FromHours(-5)));
        result.Article.Warnings.ShouldNotContain(CleaningCodes.ZonelessTime);
    }

    /// <summary>The cleaned article and its paragraphs as one text, for "contains" checks.</summary>
    private sealed record CleanedArticle(ArticleCleaned Value)
    {
        public string Text { get; } = string.Join("\n", Value.Paragraphs);
    }
}
