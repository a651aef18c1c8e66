using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Worker.Tests;

/// <summary>
/// Issue 17's crashes and misreadings through the real commands over loopback: items dated in ISO 8601 or with a zone
/// abbreviation, every feed format, broken and empty feeds, an auto source that begins with a comment.
/// </summary>
public sealed class FeedCommandTests : IAsyncLifetime
{
    private LoopbackHttpServer _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackHttpServer.StartAsync(app =>
    {
        static string Origin(HttpContext c) => $"{c.Request.Scheme}://{c.Request.Host}";
        static string Rss(HttpContext c, string date, string page, string prolog = "<?xml version=\"1.0\"?>") =>
            $"""{prolog}<rss version="2.0"><channel><title>t</title><link>{Origin(c)}</link><description>d</description><item><title>Dated</title><link>{Origin(c)}/news/{page}</link><pubDate>{date}</pubDate></item></channel></rss>""";
        app.MapGet("/iso.xml", (HttpContext c) => Results.Text(Rss(c, "2016-03-03T13:37:00+09:00", "sanctions"), "application/rss+xml"));
        app.MapGet("/kst.xml", (HttpContext c) => Results.Text(Rss(c, "Thu, 03 Mar 2016 13:37:00 KST", "drills"), "application/rss+xml"));
        app.MapGet("/garbage-date.xml", (HttpContext c) => Results.Text(Rss(c, "the day after yesterday", "weather"), "application/rss+xml"));
        app.MapGet("/commented.xml", (HttpContext c) => Results.Text(Rss(c, "Thu, 03 Mar 2016 13:37:00 +0900", "drills", prolog: "<!-- served from cache -->\n"), "text/html"));
        app.MapGet("/atom03.xml", (HttpContext c) => Results.Text($"""<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>a</title><entry><title>e</title><link rel="alternate" type="text/html" href="{Origin(c)}/news/sanctions"/><issued>2016-03-03T13:37:00+09:00</issued></entry></feed>""", "application/atom+xml"));
        app.MapGet("/feed.json", (HttpContext c) => Results.Text($$"""{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","url":"{{Origin(c)}}/news/drills","date_published":"2016-03-03T13:37:00+09:00"}]}""", "application/feed+json"));
        app.MapGet("/rdf.xml", (HttpContext c) => Results.Text($"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>r</title></channel><item><title>i</title><link>{Origin(c)}/news/weather</link></item></rdf:RDF>""", "application/rdf+xml"));
        app.MapGet("/broken.xml", () => Results.Text("<?xml version=\"1.0\"?><rss><channel><item>", "application/rss+xml"));
        app.MapGet("/empty", () => Results.Text("", "text/html"));
        app.MapGet("/news/{id}", (string id) => Results.Text(File.ReadAllText(Path.Combine(TestPaths.SamplesFolder, id switch
        {
            "sanctions" => "001-sanctions-oil-transfers.txt",
            "drills" => "003-defense-air-drills.txt",
            _ => "006-weather-monsoon.txt",
        })), "text/plain; charset=utf-8"));
    });

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private static string Config() => TestPaths.TempFile("appsettings.json", """{ "Wirewatch": { "Fetcher": { "MinHostInterval": "00:00:00.020", "Retries": 1, "RetryBaseDelay": "00:00:00.010" } } }""");

    private string Source(string id, string kind, string path) => $$"""{ "id": "{{id}}", "kind": "{{kind}}", "url": "{{_site.Url(path).AbsoluteUri}}" }""";

    [Fact]
    public async Task Sources_check_prints_a_row_for_every_source_whatever_its_dates_format_or_breakage()
    {
        var file = TestPaths.TempFile("sources.json", $$"""{ "sources": [ {{string.Join(",",
            Source("iso", "rss", "iso.xml"), Source("kst", "rss", "kst.xml"), Source("garbage", "feed", "garbage-date.xml"),
            Source("commented", "auto", "commented.xml"), Source("atom03", "atom", "atom03.xml"), Source("json", "feed", "feed.json"),
            Source("rdf", "feed", "rdf.xml"), Source("broken", "rss", "broken.xml"), Source("empty", "auto", "empty"))}} ] }""");

        var (exit, stdout, stderr) = await Cli.RunAsync("sources", "check", "--sources", file, "--json", "--config", Config());

        exit.ShouldBe(1, "two sources are unreadable: " + stderr);
        var rows = Cli.JsonLines(stdout).ToDictionary(r => r.GetProperty("id").GetString()!);
        rows.Keys.ShouldBe(["iso", "kst", "garbage", "commented", "atom03", "json", "rdf", "broken", "empty"], ignoreOrder: false);
        foreach (var (id, format) in new[] { ("iso", "rss-2.0"), ("kst", "rss-2.0"), ("garbage", "rss-2.0"), ("commented", "rss-2.0"), ("atom03", "atom-0.3"), ("json", "json-1.1"), ("rdf", "rss-1.0") })
        {
            rows[id].GetProperty("ok").GetBoolean().ShouldBeTrue(id + ": " + rows[id].GetProperty("error"));
            rows[id].GetProperty("items").GetInt32().ShouldBe(1, id);
            rows[id].GetProperty("format").GetString().ShouldBe(format, id);
        }

        rows["garbage"].GetProperty("parseErrors").GetInt32().ShouldBe(1, "the unreadable date is counted");
        rows["garbage"].GetProperty("warnings").GetString().ShouldBe("bad-date 1");
        rows["iso"].GetProperty("parseErrors").GetInt32().ShouldBe(0);
        rows["broken"].GetProperty("ok").GetBoolean().ShouldBeFalse();
        rows["broken"].GetProperty("error").GetString()!.ShouldStartWith("invalid-feed");
        rows["empty"].GetProperty("ok").GetBoolean().ShouldBeFalse();
        rows["empty"].GetProperty("error").GetString()!.ShouldStartWith("empty-response");
    }

    [Fact]
    public async Task Once_reads_feeds_dated_in_ISO_8601_and_KST_and_a_broken_or_empty_feed_fails_only_itself()
    {
        var (exit, stdout, stderr) = await Cli.RunAsync(
            "once", "--source", _site.Url("broken.xml").AbsoluteUri, "--source", _site.Url("iso.xml").AbsoluteUri,
            "--source", _site.Url("empty").AbsoluteUri, "--source", _site.Url("kst.xml").AbsoluteUri, "--json", "--config", Config());

        exit.ShouldBe(1, "two sources failed");
        var lines = Cli.JsonLines(stdout);
        lines.Where(l => l.GetProperty("type").GetString() == "classified").Select(l => l.GetProperty("url").GetString()!.Split('/')[^1])
            .Order(StringComparer.Ordinal).ShouldBe(["drills", "sanctions"]);
        var rejected = lines.Where(l => l.GetProperty("type").GetString() == "rejected").ToDictionary(l => l.GetProperty("url").GetString()!.Split('/')[^1], l => l.GetProperty("reason").GetString());
        rejected["broken.xml"].ShouldBe("invalid-feed");
        rejected["empty"].ShouldBe("empty-response");
        stderr.ShouldNotContain("XmlException");
    }

    [Fact]
    public async Task Sources_check_table_shows_the_format_and_names_the_problems()
    {
        var file = TestPaths.TempFile("sources.json", $$"""{ "sources": [ {{Source("garbage", "rss", "garbage-date.xml")}} ] }""");

        var (exit, stdout, _) = await Cli.RunAsync("sources", "check", "--sources", file, "--config", Config());

        exit.ShouldBe(0);
        var row = stdout.Split('\n').Single(l => l.StartsWith("garbage ", StringComparison.Ordinal));
        row.ShouldContain(" rss-2.0 ");
        row.ShouldEndWith("garbage-date.xml (bad-date 1)");
    }

    [Fact]
    public async Task Sources_check_does_not_pace_feeds_served_from_this_machine()
    {
        // An hour between two requests to one host: paced, the second of 20 feeds would wait an hour and the check would
        // miss its deadline. A one-off check of a local server (a feed bridge, a corpus) paces nothing; the worker does.
        var config = TestPaths.TempFile("appsettings.json", """{ "Wirewatch": { "Fetcher": { "MinHostInterval": "01:00:00", "Retries": 0 } } }""");
        var file = TestPaths.TempFile("sources.json", $$"""{ "sources": [ {{string.Join(",", Enumerable.Range(1, 20).Select(i => Source($"feed-{i}", "rss", "iso.xml")))}} ] }""");

        var (exit, stdout, stderr) = await Cli.RunAsync("sources", "check", "--sources", file, "--json", "--config", config).WaitAsync(TimeSpan.FromMinutes(2));

        exit.ShouldBe(0, stderr);
        Cli.JsonLines(stdout).Count.ShouldBe(20);
    }
}

/// <summary><c>wirewatch sources import/export</c>: OPML as Miniflux and FreshRSS write it, both ways.</summary>
public sealed class OpmlCommandTests
{
    private const string Opml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0">
          <head><title>Miniflux</title></head>
          <body>
            <outline text="Korea">
              <outline title="Yonhap: North Korea" text="Yonhap: North Korea" xmlUrl="https://en.yna.co.kr/RSS/northkorea.xml" htmlUrl="https://en.yna.co.kr" type="rss"/>
              <outline text="NK News" xmlUrl="https://www.nknews.org/feed/" type="rss"/>
            </outline>
            <outline text="NK News" xmlUrl="https://nknews.example/other.xml" type="rss"/>
            <outline text="No feed here" htmlUrl="https://example.org/"/>
            <outline text="Mail" xmlUrl="mailto:desk@example.org"/>
          </body>
        </opml>
        """;

    [Fact]
    public async Task Import_writes_valid_unique_sources_and_a_second_import_adds_nothing()
    {
        var folder = TestPaths.TempFolder("opml");
        var opml = Path.Combine(folder, "feeds.opml");
        await File.WriteAllTextAsync(opml, Opml);
        var sources = Path.Combine(folder, "sources.json");

        var first = await Cli.RunAsync("sources", "import", opml, "--sources", sources);
        var second = await Cli.RunAsync("sources", "import", opml, "--sources", sources);

        first.Exit.ShouldBe(0, first.Err);
        first.Out.ShouldContain("Imported 3 source(s)");
        first.Out.ShouldContain("1 without an http(s) xmlUrl");
        var catalog = Fetching.SourceCatalog.Load(sources);
        catalog.Sources.Select(s => s.Id).ShouldBe(["yonhap-north-korea", "nk-news", "nk-news-2"]);
        catalog.Sources.ShouldAllBe(s => s.Kind == "feed");
        second.Exit.ShouldBe(0);
        second.Out.ShouldContain("Imported 0 source(s)");
        second.Out.ShouldContain("3 already present");
        Fetching.SourceCatalog.Load(sources).Sources.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Import_merges_into_an_existing_file_keeping_its_entries_and_taking_the_kind_given()
    {
        var folder = TestPaths.TempFolder("opml-merge");
        var opml = Path.Combine(folder, "feeds.opml");
        await File.WriteAllTextAsync(opml, Opml);
        var sources = Path.Combine(folder, "sources.json");
        await File.WriteAllTextAsync(sources, """
            { "sources": [
              { "id": "nk-news", "kind": "rss", "url": "https://en.yna.co.kr/RSS/northkorea.xml?utm_source=x", "interval": "00:02:00" },
              { "id": "inbox", "kind": "directory", "path": "inbox" } ] }
            """);

        var (exit, _, stderr) = await Cli.RunAsync("sources", "import", opml, "--kind", "auto", "--sources", sources);

        exit.ShouldBe(0, stderr);
        var catalog = Fetching.SourceCatalog.Load(sources);
        catalog.Sources.Select(s => s.Id).ShouldBe(["nk-news", "inbox", "nk-news-2", "nk-news-3"]);
        catalog.Get("nk-news").Interval.ShouldBe(TimeSpan.FromMinutes(2), "existing entries keep every field");
        catalog.Get("nk-news-2").Kind.ShouldBe("auto");
    }

    [Fact]
    public async Task Export_writes_OPML_that_imports_back_to_the_same_feeds()
    {
        var folder = TestPaths.TempFolder("opml-export");
        var sources = Path.Combine(folder, "sources.json");
        await File.WriteAllTextAsync(sources, """
            { "sources": [
              { "id": "yonhap-nk", "kind": "rss", "url": "https://en.yna.co.kr/RSS/northkorea.xml" },
              { "id": "wire-atom", "kind": "atom", "url": "https://wire.example/atom?x=1&y=2" },
              { "id": "inbox", "kind": "directory", "path": "inbox" } ] }
            """);

        var (exit, stdout, stderr) = await Cli.RunAsync("sources", "export", "--sources", sources);
        var opml = Path.Combine(folder, "out.opml");
        await File.WriteAllTextAsync(opml, stdout);
        var back = Path.Combine(folder, "back.json");
        var import = await Cli.RunAsync("sources", "import", opml, "--sources", back);

        exit.ShouldBe(0, stderr);
        var outlines = XDocument.Parse(stdout).Descendants("outline").ToList();
        outlines.Select(o => (string?)o.Attribute("xmlUrl")).ShouldBe(["https://en.yna.co.kr/RSS/northkorea.xml", "https://wire.example/atom?x=1&y=2"]);
        outlines.ShouldAllBe(o => (string?)o.Attribute("type") == "rss");
        import.Exit.ShouldBe(0, import.Err);
        Fetching.SourceCatalog.Load(back).Sources.Select(s => (s.Id, s.Url)).ShouldBe(
            [("yonhap-nk", "https://en.yna.co.kr/RSS/northkorea.xml"), ("wire-atom", "https://wire.example/atom?x=1&y=2")]);
    }

    [Fact]
    public async Task Import_of_a_file_that_is_not_OPML_is_exit_2_and_writes_nothing()
    {
        var folder = TestPaths.TempFolder("opml-bad");
        var opml = Path.Combine(folder, "feeds.opml");
        await File.WriteAllTextAsync(opml, "<rss><channel/></rss>");
        var sources = Path.Combine(folder, "sources.json");

        var (exit, _, stderr) = await Cli.RunAsync("sources", "import", opml, "--sources", sources);

        exit.ShouldBe(2);
        stderr.ShouldContain("not an OPML file");
        File.Exists(sources).ShouldBeFalse();
    }
}
