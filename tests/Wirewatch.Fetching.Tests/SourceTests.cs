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
    [InlineData("""{ "sources": [ """, "Cannot read sources file")]
    public void An_invalid_source_is_refused_with_a_message_naming_source_and_field(string json, string message)
    {
        var path = Wirewatch.Tests.Shared.TestPaths.TempFile("sources.json", json);

        Should.Throw<InvalidSourceException>(() => SourceCatalog.Load(path)).Message.ShouldContain(message);
    }

    [Fact]
    public void The_shipped_sources_load()
    {
        var catalog = SourceCatalog.Load(Wirewatch.Tests.Shared.TestPaths.Defaults("sources.json"));

        catalog.Get("yonhap-nk").Url.ShouldBe("https://en.yna.co.kr/RSS/northkorea.xml");
    }
}
