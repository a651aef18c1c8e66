using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Worker.Tests;

/// <summary><c>wirewatch once --source http://.../feed.xml</c> against a real feed on loopback.</summary>
public sealed class OnceOverHttpTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, string> _pages = new();
    private LoopbackHttpServer _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackHttpServer.StartAsync(app =>
    {
        app.MapGet("/feed.xml", (HttpContext context) =>
        {
            var origin = $"{context.Request.Scheme}://{context.Request.Host}";
            var items = string.Concat(_pages.Keys.Order().Select(id => $"<item><title>{id}</title><link>{origin}/news/{id}</link></item>"));
            return Results.Text($"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>{origin}</link><description>d</description>{items}</channel></rss>""", "application/rss+xml");
        });
        app.MapGet("/news/{id}", (string id) => _pages.TryGetValue(id, out var text)
            ? Results.Text(text, text.StartsWith('<') ? "text/html; charset=utf-8" : "text/plain; charset=utf-8")
            : Results.NotFound());
    });

    public async Task DisposeAsync() => await _site.DisposeAsync();

    /// <summary>One loopback host serves everything here: 50 ms between requests instead of the default second.</summary>
    private static string FastPacing { get; } = TestPaths.TempFile("appsettings.json", """{ "Wirewatch": { "Fetcher": { "MinHostInterval": "00:00:00.050" } } }""");

    [Fact]
    public async Task A_feed_yields_one_line_per_article_then_nothing_then_only_the_changed_one_as_version_2()
    {
        _pages["sanctions"] = File.ReadAllText(Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt"));
        _pages["drills"] = File.ReadAllText(Path.Combine(TestPaths.SamplesFolder, "003-defense-air-drills.txt"));
        _pages["weather"] = File.ReadAllText(Path.Combine(TestPaths.SamplesFolder, "006-weather-monsoon.txt"));
        var dataDir = TestPaths.TempFolder("once-http");
        var feed = _site.Url("feed.xml").AbsoluteUri;

        var first = await Cli.RunAsync("once", "--source", feed, "--json", "--data-dir", dataDir, "--config", FastPacing);
        var second = await Cli.RunAsync("once", "--source", feed, "--json", "--data-dir", dataDir, "--config", FastPacing);
        _pages["drills"] = _pages["drills"].Replace("(2nd LD)", "(3rd LD)", StringComparison.Ordinal) + "\nThe launch was the North's fifth this year.";
        var third = await Cli.RunAsync("once", "--source", feed, "--json", "--data-dir", dataDir, "--config", FastPacing);

        first.Exit.ShouldBe(0, first.Err);
        Classified(first.Out).Count.ShouldBe(3);
        Classified(second.Out).ShouldBeEmpty();
        var update = Classified(third.Out).ShouldHaveSingleItem();
        update.GetProperty("version").GetInt32().ShouldBe(2);
        update.GetProperty("url").GetString().ShouldEndWith("/news/drills");
        update.GetProperty("flags")[0].GetString().ShouldBe("3rd LD");
        Cli.JsonLines(third.Out).Where(l => l.GetProperty("type").GetString() != "alert").ShouldHaveSingleItem("nothing but the update (and its alerts)");
    }

    [Fact]
    public async Task A_feed_item_that_is_not_an_article_is_one_rejected_line_and_the_others_go_through()
    {
        _pages["drills"] = File.ReadAllText(Path.Combine(TestPaths.SamplesFolder, "003-defense-air-drills.txt"));
        _pages["login"] = "<html><head><title>Sign in</title></head><body><form><input name=\"user\"><input type=\"password\"><button>Sign in</button></form></body></html>";

        var (exit, stdout, stderr) = await Cli.RunAsync("once", "--source", _site.Url("feed.xml").AbsoluteUri, "--json", "--config", FastPacing);

        exit.ShouldBe(0, stderr);
        var lines = Cli.JsonLines(stdout);
        Classified(stdout).ShouldHaveSingleItem().GetProperty("url").GetString().ShouldEndWith("/news/drills");
        var rejected = lines.Where(l => l.GetProperty("type").GetString() == "rejected").ShouldHaveSingleItem();
        rejected.GetProperty("url").GetString().ShouldEndWith("/news/login");
        rejected.GetProperty("reason").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    private static List<System.Text.Json.JsonElement> Classified(string stdout) =>
        Cli.JsonLines(stdout).Where(l => l.GetProperty("type").GetString() == "classified").ToList();
}
