using System.Net;
using System.Net.Sockets;
using System.Text;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Fetching.Tests;

/// <summary>Feeds as the fetcher meets them over HTTP: auto sources, hints, odd content types and encodings, and first causes.</summary>
public sealed class FeedFetchTests : IAsyncLifetime
{
    private readonly string _dataDir = TestPaths.TempFolder("feedfetch");
    private LoopbackSite _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private void Serve(string name, string body, string contentType = "application/rss+xml", Encoding? encoding = null) =>
        _site.Raw[name] = ((encoding ?? Encoding.UTF8).GetBytes(body), contentType);

    private string Rss(string items, string prolog = "<?xml version=\"1.0\"?>") =>
        $"""{prolog}<rss version="2.0"><channel><title>Wire</title><link>{_site.BaseUri}</link><description>d</description>{items}</channel></rss>""";

    private SourceDefinition Source(string name, string kind = SourceKinds.Rss) =>
        new() { Id = name, Kind = kind, Url = _site.Url("raw/" + name).AbsoluteUri };

    [Fact]
    public async Task Items_dated_in_ISO_8601_or_KST_are_published_with_their_time_and_a_garbage_date_only_loses_the_date()
    {
        _site.Pages["1"] = LoopbackSite.Article("ISO", "Dated the ISO way.");
        _site.Pages["2"] = LoopbackSite.Article("KST", "Dated with a zone abbreviation.");
        _site.Pages["3"] = LoopbackSite.Article("Garbage", "Dated with nonsense.");
        Serve("dates", Rss($"""
            <item><title>One</title><link>{_site.Url("a/1")}</link><pubDate>2016-03-03T13:37:00+09:00</pubDate></item>
            <item><title>Two</title><link>{_site.Url("a/2")}</link><pubDate>Thu, 03 Mar 2016 13:37:00 KST</pubDate></item>
            <item><title>Three</title><link>{_site.Url("a/3")}</link><pubDate>around teatime</pubDate></item>
            """));
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var published = (await fetcher.RunAsync(Source("dates"))).Published.OrderBy(a => a.Url, StringComparer.Ordinal).ToList();

        published.Select(a => a.Feed!.Title).ShouldBe(["One", "Two", "Three"]);
        var expected = new DateTimeOffset(2016, 3, 3, 4, 37, 0, TimeSpan.Zero);
        published[0].Feed!.PublishedAt.ShouldBe(expected);
        published[1].Feed!.PublishedAt.ShouldBe(expected);
        published[2].Feed!.PublishedAt.ShouldBeNull();
    }

    [Fact]
    public async Task What_reading_a_feed_gives_up_is_counted_per_source_and_kind_and_the_rest_is_published()
    {
        var sourceId = "warnings-" + Guid.NewGuid().ToString("N")[..8]; // Other tests run in parallel; count only ours.
        var counted = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Wirewatch" && instrument.Name == "wirewatch.fetch.feed.warnings")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? source = null, kind = null;
            foreach (var tag in tags)
            {
                source = tag.Key == "source" ? tag.Value as string : source;
                kind = tag.Key == "kind" ? tag.Value as string : kind;
            }

            if (source == sourceId)
            {
                lock (counted)
                {
                    counted[kind!] = counted.GetValueOrDefault(kind!) + value;
                }
            }
        });
        listener.Start();
        _site.Pages["1"] = LoopbackSite.Article("Kept", "Its date could not be read.");
        _site.Pages["2"] = LoopbackSite.Article("Also kept", "Read before the document broke off.");
        // Two entries without a usable link, one unreadable date, and a document cut short after its second item.
        Serve("warned", Rss($"""
            <item><title>Kept</title><link>{_site.Url("a/1")}</link><pubDate>the twelfth of never</pubDate></item>
            <item><title>No link at all</title></item>
            <item><title>Not a permalink</title><guid isPermaLink="false">tag:wire,2016:3</guid></item>
            <item><title>Also kept</title><link>{_site.Url("a/2")}</link></item>
            """)[..^"</channel></rss>".Length] + "<item><title>cut of");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var result = await fetcher.RunAsync(new SourceDefinition { Id = sourceId, Kind = SourceKinds.Feed, Url = _site.Url("raw/warned").AbsoluteUri });

        result.Published.Select(a => a.Feed!.Title).Order(StringComparer.Ordinal).ShouldBe(["Also kept", "Kept"]);
        result.Published.Single(a => a.Feed!.Title == "Kept").Feed!.PublishedAt.ShouldBeNull();
        lock (counted)
        {
            counted.ShouldBe(new Dictionary<string, long> { ["no-link"] = 3, ["bad-date"] = 1, ["recovered"] = 1 }, ignoreOrder: true);
        }
    }

    [Fact]
    public async Task Links_that_are_no_web_address_are_refused_one_by_one_and_the_good_item_is_published()
    {
        _site.Pages["1"] = LoopbackSite.Article("Good", "The one item worth fetching.");
        string[] odd = ["javascript:alert(1)", "mailto:desk@wire.example", "data:text/html,hi", "tag:wire.example,2016:4", "urn:isbn:0451450523",
                        "ftp://wire.example/a", "http://[::1", "news:comp.lang", "about:blank"];
        Serve("odd-links", Rss(string.Concat(odd.Select((l, i) => $"<item><title>Odd {i}</title><link>{System.Security.SecurityElement.Escape(l)}</link></item>"))
            + $"<item><title>Good</title><link>{_site.Url("a/1")}</link></item>"));
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var result = await fetcher.RunAsync(new SourceDefinition { Id = "odd-links", Kind = SourceKinds.Feed, Url = _site.Url("raw/odd-links").AbsoluteUri });

        result.Published.ShouldHaveSingleItem().Feed!.Title.ShouldBe("Good");
        result.Failures.ShouldAllBe(f => f.IsRejection, string.Join("; ", result.Failures.Select(f => $"{f.Url}: {f.Reason}")));
        result.Failures.Select(f => f.Reason).Distinct().ShouldBe(["unsupported-scheme"]);
    }

    [Fact]
    public async Task A_permalink_guid_stands_in_for_a_missing_link_and_the_feed_hints_travel_with_the_article()
    {
        _site.Pages["7"] = LoopbackSite.Article("Guid story", "Linked only by its guid.");
        Serve("guid", Rss($"""<item><title>Guid title</title><guid isPermaLink="true">{_site.Url("a/7")}</guid><pubDate>Mon, 08 Feb 2016 04:22:00 +0900</pubDate></item><item><title>Nothing to follow</title></item>"""));
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var article = (await fetcher.RunAsync(Source("guid"))).Published.ShouldHaveSingleItem();

        article.Url.ShouldEndWith("/a/7");
        article.Feed!.Title.ShouldBe("Guid title");
        article.Feed.PublishedAt.ShouldBe(new DateTimeOffset(2016, 2, 7, 19, 22, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task An_auto_source_that_starts_with_a_comment_is_a_feed_and_once_a_feed_a_page_in_its_place_fails_the_cycle()
    {
        _site.Pages["1"] = LoopbackSite.Article("Auto story", "From a feed that starts with a comment.");
        Serve("auto", Rss($"<item><title>t</title><link>{_site.Url("a/1")}</link></item>", prolog: "<!-- cached 12:00 -->\n"), "text/html");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);
        var source = Source("auto", SourceKinds.Auto);

        var first = await fetcher.RunAsync(source);
        first.Published.ShouldHaveSingleItem().Url.ShouldEndWith("/a/1");

        Serve("auto", "<rss><channel><item><title>cut of", "text/html"); // The same feed, broken.
        (await Should.ThrowAsync<FetchFailedException>(() => fetcher.RunAsync(source))).Reason.ShouldBe("invalid-feed");
        Serve("auto", "<html><body><h1>Down for maintenance</h1></body></html>", "text/html");
        (await Should.ThrowAsync<FetchFailedException>(() => fetcher.RunAsync(source))).Reason.ShouldBe("invalid-feed");
        Serve("auto", "Service temporarily unavailable", "text/plain");
        (await Should.ThrowAsync<FetchFailedException>(() => fetcher.RunAsync(source))).Reason.ShouldBe("invalid-feed");
        Serve("auto", "", "text/html");
        (await Should.ThrowAsync<FetchFailedException>(() => fetcher.RunAsync(source))).Reason.ShouldBe("empty-response");
        fetcher.PublishedCount.ShouldBe(1, "neither the broken feed, the error page nor the empty body became a page");
    }

    [Fact]
    public async Task A_restarted_fetcher_still_refuses_the_error_page_of_an_auto_source_an_earlier_one_found_a_feed()
    {
        _site.Pages["1"] = LoopbackSite.Article("Auto story", "From a feed.");
        Serve("restart", Rss($"<item><title>t</title><link>{_site.Url("a/1")}</link></item>"));
        var source = Source("restart", SourceKinds.Auto);
        await using (var before = await TestFetcher.StartAsync(_dataDir))
        {
            (await before.RunAsync(source)).Published.ShouldHaveSingleItem();
        }

        Serve("restart", LoopbackSite.Article("Down for maintenance", "We will be back soon."), "text/html");
        await using var after = await TestFetcher.StartAsync(_dataDir); // A new process on the same state.

        (await Should.ThrowAsync<FetchFailedException>(() => after.RunAsync(source))).Reason.ShouldBe("invalid-feed");
        after.PublishedCount.ShouldBe(0, "the error page of a feed never becomes an article, restart or not");
    }

    [Fact]
    public async Task A_fetcher_that_saw_a_page_refuses_the_error_page_once_another_fetcher_on_the_same_state_saw_a_feed()
    {
        _site.Pages["1"] = LoopbackSite.Article("Auto story", "From a feed.");
        var source = Source("replicas", SourceKinds.Auto);
        await using var first = await TestFetcher.StartAsync(_dataDir);
        await using var second = await TestFetcher.StartAsync(_dataDir); // Another replica on the same state.
        Serve("replicas", LoopbackSite.Article("Coming soon", "The wire opens tomorrow."), "text/html");
        (await first.RunAsync(source)).Published.ShouldHaveSingleItem("a page, as far as anyone knows");

        Serve("replicas", Rss($"<item><title>t</title><link>{_site.Url("a/1")}</link></item>"));
        (await second.RunAsync(source)).Published.ShouldHaveSingleItem();
        Serve("replicas", LoopbackSite.Article("Down for maintenance", "We will be back soon."), "text/html");

        (await Should.ThrowAsync<FetchFailedException>(() => first.RunAsync(source))).Reason.ShouldBe("invalid-feed");
        first.PublishedCount.ShouldBe(1, "only the page from before the feed");
    }

    [Fact]
    public async Task An_auto_source_given_a_new_url_decides_afresh_and_publishes_the_page_there()
    {
        Serve("was-feed", Rss(""));
        Serve("now-page", LoopbackSite.Article("A page", "Where the source points now."), "text/html");
        await using (var before = await TestFetcher.StartAsync(_dataDir))
        {
            await before.RunAsync(Source("was-feed", SourceKinds.Auto) with { Id = "moved" });
        }

        await using var after = await TestFetcher.StartAsync(_dataDir);

        (await after.RunAsync(Source("now-page", SourceKinds.Auto) with { Id = "moved" })).Published.ShouldHaveSingleItem()
            .Content.ShouldContain("Where the source points now.");
    }

    [Theory]
    [InlineData("<rss><channel><item><title>cut of")]
    [InlineData("<!-- cached --><feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>no end")]
    [InlineData("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"url\":")]
    public async Task A_broken_feed_from_a_new_auto_source_fails_the_cycle_and_never_becomes_a_page(string body)
    {
        Serve("broken-auto", body, "text/html");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        (await Should.ThrowAsync<FetchFailedException>(() => fetcher.RunAsync(Source("broken-auto", SourceKinds.Auto)))).Reason.ShouldBe("invalid-feed");
        fetcher.PublishedCount.ShouldBe(0);
    }

    [Fact]
    public async Task An_empty_response_to_a_new_auto_source_fails_the_cycle_and_publishes_nothing()
    {
        Serve("empty", "", "text/html");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        (await Should.ThrowAsync<FetchFailedException>(() => fetcher.RunAsync(Source("empty", SourceKinds.Auto)))).Reason.ShouldBe("empty-response");
        fetcher.PublishedCount.ShouldBe(0);
    }

    [Theory]
    [InlineData(SourceKinds.Rss)]
    [InlineData(SourceKinds.Auto)]
    public async Task A_feed_whose_bytes_no_charset_claims_is_read_as_windows_1252_by_any_kind(string kind)
    {
        _site.Pages["1"] = LoopbackSite.Article("Latin", "Served without a charset.");
        // "Café vu" in windows-1252 with no label: not UTF-8, not EUC-KR; feedparser's last resort reads it.
        Serve("latin", Rss($"<item><title>Caf\u00e9 vu</title><link>{_site.Url("a/1")}</link></item>"), "application/octet-stream", Encoding.Latin1);
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        (await fetcher.RunAsync(Source("latin", kind))).Published.ShouldHaveSingleItem().Feed!.Title.ShouldBe("Caf\u00e9 vu");
    }

    [Fact]
    public async Task An_auto_source_serving_a_page_publishes_the_page()
    {
        Serve("page", LoopbackSite.Article("A page", "Not a feed at all."), "text/html");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        (await fetcher.RunAsync(Source("page", SourceKinds.Auto))).Published.ShouldHaveSingleItem().Content.ShouldContain("Not a feed at all.");
    }

    [Theory]
    [InlineData("utf-16LE-no-bom")]
    [InlineData("utf-32BE-no-bom")]
    [InlineData("octet-stream")]
    [InlineData("octet-stream-auto")] // An auto source decides by content too, not by the content type.
    public async Task Feeds_in_wide_encodings_without_a_BOM_or_under_a_wrong_content_type_are_read(string variant)
    {
        _site.Pages["1"] = LoopbackSite.Article("Wide", "Served oddly.");
        var feed = Rss($"<item><title>북한</title><link>{_site.Url("a/1")}</link></item>", prolog: "<?xml version=\"1.0\" encoding=\"utf-16\"?>");
        var (encoding, type) = variant switch
        {
            "utf-16LE-no-bom" => ((Encoding)new UnicodeEncoding(false, false), "application/xml"),
            "utf-32BE-no-bom" => (new UTF32Encoding(true, false), "text/xml"),
            _ => (new UTF8Encoding(false), "application/octet-stream"),
        };
        Serve("wide", feed, type, encoding);
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        (await fetcher.RunAsync(Source("wide", variant.EndsWith("auto", StringComparison.Ordinal) ? SourceKinds.Auto : SourceKinds.Rss)))
            .Published.ShouldHaveSingleItem().Feed!.Title.ShouldBe("북한");
    }

    [Fact]
    public async Task An_open_circuit_names_the_first_cause_a_refused_connection()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // Nothing listens there now: every connection is refused.
        await using var fetcher = await TestFetcher.StartAsync(_dataDir, configure: o =>
        {
            o.Retries = 0;
            o.BreakerMinimumRequests = 2;
            o.BreakerFailureRatio = 0.5;
        });
        var source = new SourceDefinition { Id = "refused", Kind = SourceKinds.Page, Url = $"http://127.0.0.1:{port}/story" };

        var failures = new List<FetchFailure>();
        for (var i = 0; i < 3; i++)
        {
            failures.Add((await fetcher.RunAsync(source)).Failures.Single());
        }

        failures[0].Reason.ShouldBe("connection-refused");
        failures[^1].Reason.ShouldBe("circuit-open");
        failures[^1].Message.ShouldContain("connection-refused");
    }

    [Fact]
    public void Each_transport_failure_has_its_own_reason()
    {
        HostFailures.Classify(new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (nowhere.invalid:80)")).ShouldBe("dns");
        HostFailures.Classify(new HttpRequestException("x", new SocketException((int)SocketError.HostNotFound))).ShouldBe("dns");
        HostFailures.Classify(new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established")).ShouldBe("tls");
        HostFailures.Classify(new HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused))).ShouldBe("connection-refused");
        HostFailures.Classify(new TaskCanceledException()).ShouldBe("timeout");
        HostFailures.Classify(new HttpRequestException("reset")).ShouldBe("network");
    }
}
