using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Fetching.Tests;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, random port) serving a feed, article pages with ETags, and fault
/// endpoints. Pages can be changed while it runs; every request is counted.
/// </summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    private LoopbackHttpServer _server = null!;

    public ConcurrentDictionary<string, string> Pages { get; } = new();
    public ConcurrentDictionary<string, int> Hits { get; } = new();
    public int FlakyFailures { get; set; } = 2;

    private LoopbackSite()
    {
    }

    public Uri BaseUri => _server.BaseUri;

    public Uri Url(string path) => _server.Url(path);

    public static async Task<LoopbackSite> StartAsync()
    {
        var site = new LoopbackSite();
        site._server = await LoopbackHttpServer.StartAsync(site.Map);
        return site;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Hits.AddOrUpdate(context.Request.Path, 1, (_, n) => n + 1);
            await next(context);
        });

        app.MapGet("/feed.xml", (HttpContext context) =>
        {
            var items = string.Concat(Pages.Keys.Order().Select(id => $"""
                <item><title>Feed title {id}</title><link>{Url($"a/{id}?utm_source=rss#top")}</link><pubDate>Mon, 08 Feb 2016 04:22:00 +0900</pubDate></item>
                """));
            var body = $"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test wire</title><link>{BaseUri}</link><description>t</description>{items}</channel></rss>""";
            return Conditional(context, body, "application/rss+xml");
        });

        app.MapGet("/a/{id}", (HttpContext context, string id) =>
            Pages.TryGetValue(id, out var page) ? Conditional(context, page, "text/html; charset=utf-8") : Results.NotFound());

        app.MapGet("/flaky", () => FlakyFailures-- > 0 ? Results.StatusCode(500) : Results.Text(Article("Flaky page recovers", "It answered at last."), "text/html"));

        app.MapGet("/euc-kr", () =>
        {
            var encoding = Encoding.GetEncoding("euc-kr");
            var html = "<html><head><meta charset=\"euc-kr\"></head><body><h1>북한 미사일 발사</h1><p>SEOUL, Feb. 8 (Yonhap) -- 합동참모본부는 북한이 탄도미사일을 발사했다고 밝혔다.</p></body></html>";
            return Results.Bytes(encoding.GetBytes(html), "text/html"); // No charset in the header.
        });

        app.MapGet("/not-a-feed.xml", () => Results.Text("<?xml version=\"1.0\"?><rss><channel><item><link>", "application/rss+xml"));
    }

    /// <summary>ETag = hash of the body; a matching If-None-Match gets 304.</summary>
    private static IResult Conditional(HttpContext context, string body, string contentType)
    {
        var etag = $"\"{(uint)body.GetHashCode(StringComparison.Ordinal):x8}\"";
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            return Results.StatusCode(304);
        }

        context.Response.Headers.ETag = etag;
        return Results.Text(body, contentType);
    }

    public static string Article(string headline, string body) => $"""
        <html><body><article><h1>{headline}</h1><p>2016-02-08 04:22</p>
        <p>SEOUL, Feb. 8 (Yonhap) -- {body}</p></article></body></html>
        """;

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
