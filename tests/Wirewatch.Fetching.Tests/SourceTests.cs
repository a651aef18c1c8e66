namespace Wirewatch.Fetching.Tests;

public sealed class CanonicalUrlTests
{
    [Theory]
    [InlineData("https://EN.yna.co.kr/view/AEN1?utm_source=rss&utm_medium=x#top", "https://en.yna.co.kr/view/AEN1")]
    [InlineData("https://en.yna.co.kr:443/view/AEN1?section=nk&fbclid=abc", "https://en.yna.co.kr/view/AEN1?section=nk")]
    [InlineData("http://wire.example/a?b=1", "http://wire.example/a?b=1")]
    public void Tracking_parameters_fragments_and_default_ports_go(string url, string canonical)
    {
        CanonicalUrl.Normalize(url).ShouldBe(canonical);
    }

    [Fact]
    public void The_article_id_is_stable_for_a_canonical_url()
    {
        var a = CanonicalUrl.ArticleIdFor(CanonicalUrl.Normalize("https://en.yna.co.kr/view/AEN1?utm_source=rss"));
        var b = CanonicalUrl.ArticleIdFor(CanonicalUrl.Normalize("https://en.yna.co.kr/view/AEN1#comments"));

        a.ShouldBe(b);
        a.Length.ShouldBe(16);
    }
}

public sealed class SourceCatalogTests
{
    [Theory]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "rss", "url": "ftp://x" } ] }""", "source 'a': 'url'")]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "gopher", "url": "https://x" } ] }""", "source 'a': 'kind'")]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "directory" } ] }""", "source 'a': 'path'")]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "rss", "url": "https://x", "cron": "every minute" } ] }""", "source 'a': 'cron'")]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "rss", "url": "https://x" }, { "id": "a", "kind": "rss", "url": "https://y" } ] }""", "source 'a': 'id'")]
    [InlineData("""{ "sources": [ { "kind": "rss", "url": "https://x" } ] }""", "missing required properties including: 'id'")]
    [InlineData("""{ "sources": [ """, "is not valid JSON at line 1, column 16")]
    [InlineData("""{ "sources": [ { "id": "home", "kind": "html", "url": "https://x" } ] }""", "source 'home': 'selector'")]
    [InlineData("""{ "sources": [ { "id": "home", "kind": "html", "url": "https://x", "selector": "ul[[" } ] }""", "source 'home': 'selector'")]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "page", "url": "https://x", "encoding": "klingon-8" } ] }""", "source 'a': 'encoding'")]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "rss", "url": "https://x", "cron": "0 0 * * * ?", "timeZone": "Mars/Olympus" } ] }""", "source 'a': 'timeZone'")]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "rss", "url": "https://x", "minInterval": "-00:00:01" } ] }""", "source 'a': 'minInterval'")]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "rss", "url": "https://x", "maxBytes": 10 } ] }""", "source 'a': 'maxBytes'")]
    [InlineData("""{ "sources": [ { "id": "a", "kind": "directory", "path": "in", "allowPrivate": true } ] }""", "source 'a': 'allowPrivate'")]
    public void An_invalid_source_is_refused_with_a_message_naming_source_and_field(string json, string message)
    {
        var path = Wirewatch.Tests.Shared.TestPaths.TempFile("sources.json", json);

        Should.Throw<InvalidSourceException>(() => SourceCatalog.Load(path)).Message.ShouldContain(message);
    }

    [Fact]
    public void Every_field_of_a_source_is_read()
    {
        var path = Wirewatch.Tests.Shared.TestPaths.TempFile("sources.json", """
            { "sources": [ { "id": "home", "kind": "html", "url": "https://w.example/nk", "selector": "ul.headlines a",
              "cron": "0 */10 6-23 * * ?", "timeZone": "Asia/Seoul", "encoding": "euc-kr", "minInterval": "00:00:05",
              "maxBytes": 2097152, "allowPrivate": true, "enabled": false } ] }
            """);

        var source = SourceCatalog.Load(path).Get("home");

        source.ShouldBe(new SourceDefinition
        {
            Id = "home", Kind = SourceKinds.Html, Url = "https://w.example/nk", Selector = "ul.headlines a", Cron = "0 */10 6-23 * * ?",
            TimeZone = "Asia/Seoul", Encoding = "euc-kr", MinInterval = TimeSpan.FromSeconds(5), MaxBytes = 2097152, AllowPrivate = true, Enabled = false,
        });
    }

    [Fact]
    public void The_shipped_sources_load()
    {
        var catalog = SourceCatalog.Load(Wirewatch.Tests.Shared.TestPaths.Defaults("sources.json"));

        catalog.Get("yonhap-nk").Url.ShouldBe("https://en.yna.co.kr/RSS/northkorea.xml");
    }
}
