using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Worker.Tests;

/// <summary><c>wirewatch sources check</c> against feeds, listings and faults on a real loopback server.</summary>
public sealed class SourcesCheckTests : IAsyncLifetime
{
    private LoopbackHttpServer _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackHttpServer.StartAsync(app =>
    {
        app.MapGet("/feed.xml", (HttpContext context) =>
        {
            var origin = $"{context.Request.Scheme}://{context.Request.Host}";
            return Results.Text($"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>{origin}</link><description>d</description><item><title>a</title><link>{origin}/news/a</link></item><item><title>b</title><link>{origin}/news/b</link></item><item><title>no link</title></item></channel></rss>""", "application/rss+xml");
        });
        app.MapGet("/home", () => Results.Text("""<html><body><ul class="top"><li><a href="/news/a">A</a></li><li><a href="/news/b">B</a></li><li><a href="/news/c">C</a></li></ul></body></html>""", "text/html"));
        app.MapGet("/news/{id}", (string id) => Results.Text($"Story {id}", "text/plain"));
        app.MapGet("/broken.xml", () => Results.Text("<?xml version=\"1.0\"?><rss><channel><item>", "application/rss+xml"));
    });

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private string SourcesFile(params string[] entries) =>
        TestPaths.TempFile("sources.json", $$"""{ "sources": [ {{string.Join(",", entries)}} ] }""");

    private string Source(string id, string kind, string path, string extra = "") =>
        $$"""{ "id": "{{id}}", "kind": "{{kind}}", "url": "{{_site.Url(path).AbsoluteUri}}"{{extra}} }""";

    private static string Config() => TestPaths.TempFile("appsettings.json", """{ "Wirewatch": { "Fetcher": { "MinHostInterval": "00:00:00.050", "Retries": 1, "RetryBaseDelay": "00:00:00.010" } } }""");

    [Fact]
    public async Task Reachable_sources_print_a_table_with_status_and_item_counts_and_exit_0()
    {
        var file = SourcesFile(
            Source("wire", "rss", "feed.xml"),
            Source("home", "html", "home", """, "selector": "ul.top" """),
            Source("one", "page", "news/a"),
            Source("off", "page", "nowhere", """, "enabled": false """));

        var (exit, stdout, stderr) = await Cli.RunAsync("sources", "check", "--sources", file, "--config", Config());

        exit.ShouldBe(0, stderr + stdout);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines[0].ShouldStartWith("SOURCE");
        Row(lines, "wire").ShouldBe(["wire", "rss", "yes", "200", "2", "1"]); // The entry without a link is a parse error.
        Row(lines, "home").ShouldBe(["home", "html", "yes", "200", "3", "0"]);
        Row(lines, "one")[..3].ShouldBe(["one", "page", "yes"]);
        lines.ShouldNotContain(l => l.StartsWith("off", StringComparison.Ordinal), "disabled sources are not checked");
        lines[^1].ShouldBe("3 source(s), all reachable.");
    }

    [Fact]
    public async Task An_unreachable_or_unreadable_source_makes_the_check_exit_1_and_json_says_why()
    {
        var file = SourcesFile(
            Source("wire", "rss", "feed.xml"),
            Source("gone", "rss", "missing.xml"),
            Source("broken", "rss", "broken.xml"));

        var (exit, stdout, _) = await Cli.RunAsync("sources", "check", "--sources", file, "--json", "--config", Config());

        exit.ShouldBe(1);
        var rows = Cli.JsonLines(stdout).ToDictionary(l => l.GetProperty("id").GetString()!);
        rows.Values.ShouldAllBe(r => r.GetProperty("type").GetString() == "source");
        rows["wire"].GetProperty("ok").GetBoolean().ShouldBeTrue();
        rows["wire"].GetProperty("items").GetInt32().ShouldBe(2);
        rows["gone"].GetProperty("reachable").GetBoolean().ShouldBeFalse();
        rows["gone"].GetProperty("status").GetInt32().ShouldBe(404);
        rows["gone"].GetProperty("error").GetString()!.ShouldStartWith("http-404");
        rows["broken"].GetProperty("reachable").GetBoolean().ShouldBeTrue();
        rows["broken"].GetProperty("ok").GetBoolean().ShouldBeFalse();
        rows["broken"].GetProperty("parseErrors").GetInt32().ShouldBe(1);
        rows["broken"].GetProperty("error").GetString()!.ShouldStartWith("invalid-feed");
        rows["gone"].GetProperty("ms").GetInt64().ShouldBeGreaterThanOrEqualTo(0);
    }

    [Theory]
    [InlineData("connection-refused")]
    [InlineData("dns")]
    public async Task Sources_behind_an_open_circuit_name_the_first_cause(string cause)
    {
        // Issue 17: with no network, every row said circuit-open and hid the name that did not resolve. Forty sources on
        // one host that cannot be reached: the host's circuit opens after two failures, and the rows checked after that
        // still say what failed first. A ".invalid" name never resolves (RFC 6761); a port nothing listens on refuses.
        var host = cause == "dns" ? "http://wirewatch-check.invalid" : $"http://127.0.0.1:{ClosedPort()}";
        var file = SourcesFile([.. Enumerable.Range(1, 40).Select(i => $$"""{ "id": "feed-{{i}}", "kind": "rss", "url": "{{host}}/feed-{{i}}.xml" }""")]);
        var config = TestPaths.TempFile("appsettings.json", """
            { "Wirewatch": { "Fetcher": { "MinHostInterval": "00:00:00.010", "Retries": 0, "BreakerMinimumRequests": 2, "BreakerFailureRatio": 0.5 } } }
            """);

        var (exit, stdout, stderr) = await Cli.RunAsync("sources", "check", "--sources", file, "--json", "--config", config);

        exit.ShouldBe(1, stderr);
        var rows = Cli.JsonLines(stdout);
        rows.Count.ShouldBe(40);
        rows.ShouldAllBe(r => !r.GetProperty("reachable").GetBoolean() && !r.GetProperty("ok").GetBoolean());
        var errors = rows.Select(r => r.GetProperty("error").GetString()!).ToList();
        errors.ShouldContain(e => e.StartsWith("circuit-open", StringComparison.Ordinal), "the host's circuit opened: " + string.Join("\n", errors.Distinct()));
        foreach (var error in errors)
        {
            if (error.StartsWith("circuit-open", StringComparison.Ordinal))
            {
                error.ShouldContain($"The last failure was {cause}: ");
            }
            else
            {
                error.ShouldStartWith(cause + ": ");
            }
        }
    }

    [Fact]
    public async Task An_invalid_sources_file_is_exit_2_naming_the_source_and_field()
    {
        var file = SourcesFile("""{ "id": "home", "kind": "html", "url": "https://w.example/" }""");

        var (exit, _, stderr) = await Cli.RunAsync("sources", "check", "--sources", file);

        exit.ShouldBe(2);
        stderr.ShouldContain("source 'home': 'selector'");
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // Nothing listens there now: every connection is refused.
        return port;
    }

    private static string[] Row(string[] lines, string id) =>
        lines.Single(l => l.StartsWith(id + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[..6];
}
