using System.Collections.Concurrent;
using System.IO.Compression;
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

    /// <summary>Served as-is under <c>/raw/{name}</c>: bytes and content type, changeable while the site runs.</summary>
    public ConcurrentDictionary<string, (byte[] Body, string ContentType)> Raw { get; } = new();
    public ConcurrentDictionary<string, int> Hits { get; } = new();
    public ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> HitTimes { get; } = new();
    public ConcurrentQueue<string> UserAgents { get; } = new();
    public ConcurrentQueue<string> Cookies { get; } = new();
    public int FlakyFailures { get; set; } = 2;
    public int RateLimitedFailures { get; set; } = 1;

    /// <summary>Served as /robots.txt when set; 404 otherwise.</summary>
    public string? RobotsTxt { get; set; }

    /// <summary>Compressed once: 16 MiB of spaces in about 16 KiB of gzip.</summary>
    private static readonly Lazy<byte[]> GzipBomb = new(() =>
    {
        var spaces = new byte[16 * 1024 * 1024];
        spaces.AsSpan().Fill((byte)' ');
        return Gzip(spaces);
    });

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
            HitTimes.GetOrAdd(context.Request.Path, _ => new()).Enqueue(TimeProvider.System.GetUtcNow());
            UserAgents.Enqueue(context.Request.Headers.UserAgent.ToString());
            if (context.Request.Headers.Cookie.Count > 0)
            {
                Cookies.Enqueue(context.Request.Headers.Cookie.ToString());
            }
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

        app.MapGet("/raw/{name}", (string name) =>
            Raw.TryGetValue(name, out var raw) ? Results.Bytes(raw.Body, raw.ContentType) : Results.NotFound());

        app.MapGet("/robots.txt", () => RobotsTxt is { } robots ? Results.Text(robots, "text/plain") : Results.NotFound());

        app.MapGet("/rate-limited", (HttpContext context) =>
        {
            if (RateLimitedFailures-- > 0)
            {
                context.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(429);
            }

            return Results.Text(Article("Patient client", "It waited as asked."), "text/html");
        });

        app.MapGet("/with-cookie", (HttpContext context) =>
        {
            context.Response.Headers.SetCookie = "session=secret; Path=/";
            return Results.Text(Article("Cookie jar", "A site that sets a session cookie."), "text/html");
        });

        app.MapGet("/always-500", () => Results.StatusCode(500));

        app.MapGet("/hang", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return Results.Ok();
        });

        app.MapGet("/big", () => Results.Text(new string('x', 2 * 1024 * 1024), "text/html"));

        app.MapGet("/big-chunked", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html";
            var chunk = Encoding.ASCII.GetBytes(new string('y', 64 * 1024));
            for (var i = 0; i < 32 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });

        app.MapGet("/gzip-bomb", (HttpContext context) =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(GzipBomb.Value, "text/html");
        });

        app.MapGet("/gzip-page", (HttpContext context) =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(Gzip(Encoding.UTF8.GetBytes(Article("Compressed story", "It arrived gzipped."))), "text/html; charset=utf-8");
        });

        app.MapGet("/euc-kr-bare", () =>
        {
            var html = "<html><body><h1>북한 미사일 발사</h1><p>SEOUL, Feb. 8 (Yonhap) -- 합동참모본부는 북한이 탄도미사일을 발사했다고 밝혔다.</p></body></html>";
            return Results.Bytes(Encoding.GetEncoding("euc-kr").GetBytes(html), "text/html"); // No charset anywhere.
        });

        app.MapGet("/euc-kr-lying", () =>
        {
            var html = "<html><body><h1>북한 미사일 발사</h1><p>합동참모본부는 밝혔다.</p></body></html>";
            return Results.Bytes(Encoding.GetEncoding("euc-kr").GetBytes(html), "text/html; charset=utf-8"); // A wrong header charset.
        });

        app.MapGet("/undecodable", () => Results.Bytes([0x3C, 0x70, 0x3E, 0xFF, 0xFE, 0xFF, 0x80, 0xFF, 0x3C, 0x2F, 0x70, 0x3E], "text/html"));

        app.MapGet("/image.png", () => Results.Bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0], "image/png"));

        app.MapGet("/loop", () => Results.Redirect("/loop"));

        app.MapGet("/moved", () => Results.Redirect("/a/1"));

        app.MapGet("/redirect-to-private", () => Results.Redirect(OtherHost("a/secret").AbsoluteUri));

        app.MapGet("/private/{id}", (string id) => Results.Text(Article("Private " + id, "Not for robots."), "text/html"));

        app.MapGet("/xxe.xml", () => Results.Text($"""
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY leak SYSTEM "file:///etc/passwd"> <!ENTITY fetched SYSTEM "{Url("xxe/entity.txt")}"> <!ENTITY % dtd SYSTEM "{Url("xxe/evil.dtd")}"> %dtd; ]>
            <rss version="2.0"><channel><title>&leak;</title><link>{BaseUri}</link><description>d</description>
            <item><title>&leak;&fetched;</title><link>{Url("a/1")}</link></item></channel></rss>
            """, "application/rss+xml"));

        app.MapGet("/private-links.xml", () => Results.Text($"""
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>Mixed links</title><link>{BaseUri}</link><description>d</description>
            <item><title>Own host</title><link>{Url("a/1")}</link></item>
            <item><title>Another name for loopback</title><link>{OtherHost("a/secret")}</link></item>
            <item><title>Cloud metadata</title><link>http://169.254.169.254/latest/meta-data/</link></item>
            <item><title>Private network</title><link>http://10.0.0.1/admin</link></item>
            <item><title>Redirect into loopback</title><link>{Url("redirect-to-private")}</link></item>
            <item><title>Local file</title><link>file:///etc/passwd</link></item>
            </channel></rss>
            """, "application/rss+xml"));

        app.MapGet("/listing.html", () => Results.Text($"""
            <html><head><base href="{BaseUri}a/"></head><body>
            <nav><a href="/about">About us</a><a href="/login">Log in</a></nav>
            <ul class="headlines"><li><a href="1?utm_source=home">First story</a></li><li><a href="2">Second story</a></li><li><a href="1">First again</a></li></ul>
            <footer><a href="mailto:desk@wire.example">Contact</a></footer></body></html>
            """, "text/html"));

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

    /// <summary>The same server under the name <c>localhost</c>: another host, on a loopback address.</summary>
    public Uri OtherHost(string path) => new($"http://localhost:{BaseUri.Port}/{path}");

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    public static string Article(string headline, string body) => $"""
        <html><body><article><h1>{headline}</h1><p>2016-02-08 04:22</p>
        <p>SEOUL, Feb. 8 (Yonhap) -- {body}</p></article></body></html>
        """;

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
