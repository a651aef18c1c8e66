using Wirewatch.Tests.Shared;

namespace Wirewatch.Fetching.Tests;

/// <summary>
/// What the open web throws at the fetcher, served by a real HTTP server on loopback: each case ends in its documented
/// outcome (docs/fetching.md), a success, a retry or a rejection with a reason, and never in an unhandled crash.
/// </summary>
public sealed class HttpMatrixTests : IAsyncLifetime
{
    private readonly string _dataDir = TestPaths.TempFolder("matrix");
    private LoopbackSite _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private SourceDefinition Page(string path, string id = "page") =>
        new() { Id = id, Kind = SourceKinds.Page, Url = _site.Url(path).AbsoluteUri };

    private async Task<FetchFailure> RejectedAsync(string path, Action<FetcherOptions>? configure = null)
    {
        await using var fetcher = await TestFetcher.StartAsync(_dataDir, configure: configure);
        var result = await fetcher.RunAsync(Page(path));
        result.Published.ShouldBeEmpty();
        return result.Failures.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_no_sooner_than_the_server_asked()
    {
        await using var fetcher = await TestFetcher.StartAsync(_dataDir); // Retry base delay 10 ms: only Retry-After explains a wait.

        var result = await fetcher.RunAsync(Page("rate-limited"));

        result.Published.ShouldHaveSingleItem();
        var times = _site.HitTimes["/rate-limited"].ToArray();
        times.Length.ShouldBe(2);
        (times[1] - times[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), "Retry-After: 1 was honoured");
    }

    [Fact]
    public async Task A_hanging_response_times_out_after_its_retries_and_is_an_error_not_a_crash()
    {
        var failure = await RejectedAsync("hang", o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.TotalTimeout = TimeSpan.FromSeconds(5);
            o.Retries = 1;
        });

        failure.Reason.ShouldBe("timeout");
        failure.IsRejection.ShouldBeFalse("a timeout is tried again next cycle");
        _site.Hits["/hang"].ShouldBe(2, "one attempt and one retry");
    }

    [Theory]
    [InlineData("big")]
    [InlineData("big-chunked")]
    public async Task A_body_over_the_cap_is_refused(string path)
    {
        var failure = await RejectedAsync(path, o => o.MaxBytes = 1024 * 1024);

        failure.Reason.ShouldBe("too-large");
        failure.IsRejection.ShouldBeTrue();
    }

    [Fact]
    public async Task A_gzip_bomb_is_stopped_at_the_cap_on_its_decompressed_size()
    {
        var failure = await RejectedAsync("gzip-bomb", o => o.MaxBytes = 1024 * 1024);

        failure.Reason.ShouldBe("too-large");
        failure.Message.ShouldContain("after decompression");
    }

    [Fact]
    public async Task A_compressed_page_is_decompressed()
    {
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var article = (await fetcher.RunAsync(Page("gzip-page"))).Published.ShouldHaveSingleItem();

        article.Content.ShouldContain("It arrived gzipped.");
    }

    [Theory]
    [InlineData("euc-kr")]       // <meta charset="euc-kr">, nothing in the header
    [InlineData("euc-kr-bare")]  // no declaration anywhere: sniffed
    [InlineData("euc-kr-lying")] // the header says utf-8, the bytes disagree
    public async Task An_EUC_KR_page_is_read_as_Korean_whatever_its_header_says(string path)
    {
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var article = (await fetcher.RunAsync(Page(path))).Published.ShouldHaveSingleItem();

        article.Charset.ShouldBe("euc-kr");
        article.Content.ShouldContain("북한 미사일 발사");
        article.Content.ShouldNotContain("\uFFFD");
    }

    [Fact]
    public async Task Bytes_no_charset_can_decode_are_refused_rather_than_published_as_mojibake()
    {
        (await RejectedAsync("undecodable")).Reason.ShouldBe("undecodable");
    }

    [Fact]
    public async Task The_source_encoding_override_wins_over_every_declaration()
    {
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var article = (await fetcher.RunAsync(Page("euc-kr-lying") with { Encoding = "euc-kr" })).Published.ShouldHaveSingleItem();

        article.Content.ShouldContain("합동참모본부는");
    }

    [Fact]
    public async Task A_redirect_loop_stops_at_the_redirect_cap()
    {
        var failure = await RejectedAsync("loop", o => o.MaxRedirects = 3);

        failure.Reason.ShouldBe("too-many-redirects");
        _site.Hits["/loop"].ShouldBe(4, "the first request and three redirects");
    }

    [Fact]
    public async Task A_redirect_within_the_cap_is_followed()
    {
        _site.Pages["1"] = LoopbackSite.Article("Moved story", "Found at its new address.");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var article = (await fetcher.RunAsync(Page("moved"))).Published.ShouldHaveSingleItem();

        article.Content.ShouldContain("Found at its new address.");
    }

    [Fact]
    public async Task An_XXE_feed_is_read_with_its_DTD_ignored_and_reads_no_local_file_and_fetches_nothing()
    {
        _site.Pages["1"] = LoopbackSite.Article("Story behind an XXE feed", "The entity stays text.");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);
        var source = new SourceDefinition { Id = "xxe", Kind = SourceKinds.Rss, Url = _site.Url("xxe.xml").AbsoluteUri };

        var result = await fetcher.RunAsync(source);

        var article = result.Published.ShouldHaveSingleItem();
        article.Feed!.Title.ShouldBe("&leak;&fetched;");
        article.Content.ShouldNotContain("root:");
        _site.Hits.Keys.ShouldNotContain(path => path.StartsWith("/xxe/", StringComparison.Ordinal), "no external entity or DTD was requested");
    }

    [Fact]
    public async Task Feed_links_to_private_addresses_and_files_are_refused_and_never_requested()
    {
        _site.Pages["1"] = LoopbackSite.Article("Own story", "The feed's own host may be loopback: the operator configured it.");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);
        var source = new SourceDefinition { Id = "mixed", Kind = SourceKinds.Rss, Url = _site.Url("private-links.xml").AbsoluteUri };

        var result = await fetcher.RunAsync(source);

        result.Published.ShouldHaveSingleItem().Url.ShouldBe(_site.Url("a/1").AbsoluteUri);
        var reasons = result.Failures.ToDictionary(f => f.Url, f => f.Reason);
        reasons[_site.OtherHost("a/secret").AbsoluteUri].ShouldBe("private-address");
        reasons["http://169.254.169.254/latest/meta-data/"].ShouldBe("private-address");
        reasons["http://10.0.0.1/admin"].ShouldBe("private-address");
        reasons[_site.Url("redirect-to-private").AbsoluteUri].ShouldBe("private-address", "the redirect's target is checked too");
        reasons["file:///etc/passwd"].ShouldBe("unsupported-scheme");
        result.Failures.ShouldAllBe(f => f.IsRejection);
        _site.Hits.ContainsKey("/a/secret").ShouldBeFalse("nothing reached the private address");
    }

    [Fact]
    public async Task A_source_that_allows_private_addresses_may_follow_links_to_them()
    {
        _site.Pages["secret"] = LoopbackSite.Article("Intranet story", "Served on another loopback name.");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);
        var source = new SourceDefinition { Id = "intranet", Kind = SourceKinds.Page, Url = _site.OtherHost("a/secret").AbsoluteUri };
        var elsewhere = new SourceDefinition { Id = "elsewhere", Kind = SourceKinds.Rss, Url = _site.Url("private-links.xml").AbsoluteUri, AllowPrivate = true };

        (await fetcher.RunAsync(source)).Published.ShouldHaveSingleItem("its own host is private, and allowed");
        (await fetcher.RunAsync(elsewhere)).Failures.ShouldNotContain(f => f.Url == _site.OtherHost("a/secret").AbsoluteUri);
    }

    [Fact]
    public async Task A_response_that_is_not_text_is_refused()
    {
        (await RejectedAsync("image.png")).Reason.ShouldBe("not-text");
    }

    [Fact]
    public async Task An_html_listing_yields_the_links_its_selector_picks_once_each()
    {
        _site.Pages["1"] = LoopbackSite.Article("First story", "One.");
        _site.Pages["2"] = LoopbackSite.Article("Second story", "Two.");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);
        var source = new SourceDefinition { Id = "home", Kind = SourceKinds.Html, Url = _site.Url("listing.html").AbsoluteUri, Selector = "ul.headlines" };

        var result = await fetcher.RunAsync(source);

        result.Published.Select(a => a.Url).ShouldBe([_site.Url("a/1").AbsoluteUri, _site.Url("a/2").AbsoluteUri]);
        result.Published[0].Feed!.Title.ShouldBe("First story");
        _site.Hits.ContainsKey("/login").ShouldBeFalse();
    }

    [Fact]
    public async Task Robots_txt_is_obeyed_and_fetched_once_per_host_even_across_restarts()
    {
        _site.RobotsTxt = "User-agent: *\nDisallow: /private/\n\nUser-agent: SomethingElse\nDisallow: /";
        _site.Pages["1"] = LoopbackSite.Article("Open story", "Anyone may read it.");

        await using (var fetcher = await TestFetcher.StartAsync(_dataDir))
        {
            var refused = await fetcher.RunAsync(Page("private/1", "closed"));
            var allowed = await fetcher.RunAsync(Page("a/1", "open"));

            refused.Failures.ShouldHaveSingleItem().Reason.ShouldBe("robots-disallowed");
            allowed.Published.ShouldHaveSingleItem();
        }

        await using (var restarted = await TestFetcher.StartAsync(_dataDir))
        {
            (await restarted.RunAsync(Page("private/2", "closed"))).Failures.ShouldHaveSingleItem().Reason.ShouldBe("robots-disallowed");
        }

        _site.Hits.ContainsKey("/private/1").ShouldBeFalse();
        _site.Hits["/robots.txt"].ShouldBe(1, "cached in memory, then in the state store");
    }

    [Fact]
    public async Task Every_request_names_Wirewatch_and_the_configured_contact()
    {
        await using var fetcher = await TestFetcher.StartAsync(_dataDir, configure: o => o.ContactUrl = "https://newsroom.example/bots");

        await fetcher.RunAsync(Page("gzip-page"));

        _site.UserAgents.ShouldNotBeEmpty();
        _site.UserAgents.ShouldAllBe(ua => ua == "Wirewatch/0.1 (+https://newsroom.example/bots)");
    }

    [Fact]
    public async Task Cookies_a_site_sets_are_never_sent_back_to_it_or_to_anyone()
    {
        _site.Pages["1"] = LoopbackSite.Article("After the cookie", "Fetched without it.");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        (await fetcher.RunAsync(Page("with-cookie"))).Published.ShouldHaveSingleItem();
        (await fetcher.RunAsync(Page("a/1"))).Published.ShouldHaveSingleItem();
        (await fetcher.RunAsync(Page("with-cookie", "again"))).Failures.ShouldBeEmpty();

        _site.Cookies.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failing_host_opens_its_own_circuit_and_other_hosts_go_on()
    {
        _site.Pages["1"] = LoopbackSite.Article("Other host", "Still served.");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir, configure: o =>
        {
            o.Retries = 0;
            o.BreakerMinimumRequests = 3;
            o.BreakerFailureRatio = 0.5;
        });
        var failing = Page("always-500", "failing");
        var other = new SourceDefinition { Id = "other", Kind = SourceKinds.Page, Url = _site.OtherHost("a/1").AbsoluteUri };

        var failures = new List<FetchFailure>();
        for (var i = 0; i < 4; i++)
        {
            failures.Add((await fetcher.RunAsync(failing)).Failures.Single());
        }

        failures.Select(f => f.Reason).ShouldBe(["http-500", "http-500", "circuit-open", "circuit-open"]);
        failures[^1].Message.ShouldContain("The last failure was http-500: answered 500", Case.Sensitive, "the open circuit names the first cause");
        _site.Hits["/always-500"].ShouldBe(2, "an open circuit sends nothing");
        (await fetcher.RunAsync(other)).Published.ShouldHaveSingleItem("the breaker is per host");
    }

    [Fact]
    public async Task A_source_failing_cycle_after_cycle_is_reported_broken_and_recovers()
    {
        await using var fetcher = await TestFetcher.StartAsync(_dataDir, configure: o => o.BrokenAfter = 2);
        var health = (SourceHealth)fetcher.Services.GetService(typeof(SourceHealth))!;
        var feed = new SourceDefinition { Id = "flapping", Kind = SourceKinds.Rss, Url = _site.Url("not-a-feed.xml").AbsoluteUri };
        var fixedFeed = feed with { Url = _site.Url("feed.xml").AbsoluteUri };

        await Should.ThrowAsync<FetchFailedException>(() => fetcher.RunAsync(feed));
        health.IsBroken("flapping").ShouldBeFalse();
        await Should.ThrowAsync<FetchFailedException>(() => fetcher.RunAsync(feed));
        health.IsBroken("flapping").ShouldBeTrue();
        await fetcher.RunAsync(fixedFeed);
        health.IsBroken("flapping").ShouldBeFalse();
    }
}
