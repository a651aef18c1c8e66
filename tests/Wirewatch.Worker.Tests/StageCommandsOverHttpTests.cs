using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Worker.Tests;

/// <summary><c>clean &lt;url&gt;</c> and <c>classify &lt;url&gt;</c> fetch as the fetcher does: robots.txt, the size cap, its User-Agent.</summary>
public sealed class StageCommandsOverHttpTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string UserAgent)> _requests = new();
    private readonly string _article = File.ReadAllText(Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt"));
    private LoopbackHttpServer _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackHttpServer.StartAsync(app =>
    {
        app.Use(async (context, next) =>
        {
            _requests.Enqueue((context.Request.Path.Value ?? "", context.Request.Headers.UserAgent.ToString()));
            await next(context);
        });
        app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nDisallow: /private/\n", "text/plain"));
        app.MapGet("/news/{id}", () => Results.Text(_article, "text/plain; charset=utf-8"));
        app.MapGet("/private/{id}", () => Results.Text(_article, "text/plain; charset=utf-8"));
        app.MapGet("/long/{id}", () => Results.Text(_article + new string('\n', 2048), "text/plain; charset=utf-8"));
    });

    public async Task DisposeAsync() => await _site.DisposeAsync();

    /// <summary>One loopback host serves everything here: no pause between requests.</summary>
    private static string Settings(string extra = "") => TestPaths.TempFile("appsettings.json",
        $$"""{ "Wirewatch": { "Fetcher": { "MinHostInterval": "00:00:00"{{extra}} } } }""");

    [Fact]
    public async Task Clean_of_a_url_asks_robots_txt_first_and_sends_the_fetchers_user_agent()
    {
        var (exit, stdout, stderr) = await Cli.RunAsync("clean", "--json", "--config", Settings(), _site.Url("news/oil").AbsoluteUri);

        exit.ShouldBe(0, stderr);
        Cli.JsonLines(stdout).ShouldHaveSingleItem().GetProperty("headline").GetString().ShouldNotBeNullOrEmpty();
        _requests.Select(r => r.Path).ShouldBe(["/robots.txt", "/news/oil"]);
        _requests.ShouldAllBe(r => r.UserAgent.StartsWith("Wirewatch/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Classify_of_a_url_robots_txt_disallows_is_refused_and_the_other_inputs_go_on()
    {
        var (exit, stdout, stderr) = await Cli.RunAsync("classify", "--json", "--config", Settings(),
            _site.Url("private/oil").AbsoluteUri, _site.Url("news/oil").AbsoluteUri);

        exit.ShouldBe(1);
        stderr.ShouldContain("disallowed by");
        _requests.Select(r => r.Path).ShouldNotContain("/private/oil");
        var lines = Cli.JsonLines(stdout);
        lines.Select(l => l.GetProperty("type").GetString()).ShouldBe(["rejected", "classified"], "one line per input, in order");
        lines[0].GetProperty("reason").GetString().ShouldBe("robots-disallowed");
        lines[0].GetProperty("url").GetString().ShouldBe(_site.Url("private/oil").AbsoluteUri);
    }

    [Fact]
    public async Task Clean_of_a_page_over_the_fetchers_size_cap_is_refused()
    {
        var (exit, stdout, stderr) = await Cli.RunAsync("clean", "--json", "--config", Settings(""", "MaxBytes": 1024"""), _site.Url("long/oil").AbsoluteUri);

        exit.ShouldBe(1);
        stderr.ShouldContain("over the cap of 1024");
        Cli.JsonLines(stdout).ShouldHaveSingleItem().GetProperty("reason").GetString().ShouldBe("too-large");
    }

    [Fact]
    public async Task Classify_assigns_stories_as_the_cleaner_consumer_does()
    {
        var copy = TestPaths.TempFile("reprint.txt", _article);
        var original = Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt");

        var (exit, stdout, stderr) = await Cli.RunAsync("classify", "--json", original, copy);

        exit.ShouldBe(0, stderr);
        var stories = Cli.JsonLines(stdout).Select(l => l.GetProperty("storyId").GetString()).ToList();
        stories.Count.ShouldBe(2);
        stories[0].ShouldNotBeNullOrEmpty("the classifier's input carries a story, as on the bus");
        stories[1].ShouldBe(stories[0], "a reprint joins the story of the article it reprints");
    }
}
