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
        app.MapGet("/news/{id}", (string id) => _pages.TryGetValue(id, out var text) ? Results.Text(text, "text/plain; charset=utf-8") : Results.NotFound());
    });

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task A_feed_yields_one_line_per_article_then_nothing_then_only_the_changed_one_as_version_2()
    {
        _pages["sanctions"] = File.ReadAllText(Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt"));
        _pages["drills"] = File.ReadAllText(Path.Combine(TestPaths.SamplesFolder, "003-defense-air-drills.txt"));
        _pages["weather"] = File.ReadAllText(Path.Combine(TestPaths.SamplesFolder, "006-weather-monsoon.txt"));
        var dataDir = TestPaths.TempFolder("once-http");
        var feed = _site.Url("feed.xml").AbsoluteUri;

        var first = await Cli.RunAsync("once", "--source", feed, "--json", "--data-dir", dataDir);
        var second = await Cli.RunAsync("once", "--source", feed, "--json", "--data-dir", dataDir);
        _pages["drills"] = _pages["drills"].Replace("(2nd LD)", "(3rd LD)", StringComparison.Ordinal) + "\nThe launch was the North's fifth this year.";
        var third = await Cli.RunAsync("once", "--source", feed, "--json", "--data-dir", dataDir);

        first.Exit.ShouldBe(0, first.Err);
        Classified(first.Out).Count.ShouldBe(3);
        Classified(second.Out).ShouldBeEmpty();
        var update = Classified(third.Out).ShouldHaveSingleItem();
        update.GetProperty("version").GetInt32().ShouldBe(2);
        update.GetProperty("url").GetString().ShouldEndWith("/news/drills");
        update.GetProperty("flags")[0].GetString().ShouldBe("3rd LD");
    }

    private static List<System.Text.Json.JsonElement> Classified(string stdout) =>
        Cli.JsonLines(stdout).Where(l => l.GetProperty("type").GetString() == "classified").ToList();
}
