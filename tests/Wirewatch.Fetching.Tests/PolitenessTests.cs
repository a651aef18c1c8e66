using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Fetching.Tests;

public sealed class HostPacerTests
{
    [Fact]
    public async Task A_second_request_to_a_host_waits_for_the_interval_and_another_host_does_not()
    {
        var time = new FakeTimeProvider();
        var pacer = new HostPacer(time);

        await pacer.WaitTurnAsync("wire.example", TimeSpan.FromSeconds(2), CancellationToken.None);
        var second = pacer.WaitTurnAsync("wire.example", TimeSpan.FromSeconds(2), CancellationToken.None);
        var otherHost = pacer.WaitTurnAsync("other.example", TimeSpan.FromSeconds(2), CancellationToken.None);

        otherHost.IsCompleted.ShouldBeTrue();
        second.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1999));
        second.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }
}

public sealed class RobotsTxtTests
{
    private const string Text = """
        # A comment
        User-agent: *
        Disallow: /private/
        Allow: /private/press/
        Disallow: /*.pdf$
        Crawl-delay: 3

        User-agent: Wirewatch
        User-agent: OtherBot
        Disallow: /nk/archive
        """;

    [Theory]
    [InlineData("https://w.example/private/a", "*", false)]
    [InlineData("https://w.example/private/press/a", "*", true)]
    [InlineData("https://w.example/files/report.pdf", "*", false)]
    [InlineData("https://w.example/files/report.pdf?x=1", "*", true)]
    [InlineData("https://w.example/view/AEN1", "*", true)]
    [InlineData("https://w.example/private/a", "Wirewatch", true)]
    [InlineData("https://w.example/nk/archive/2016", "Wirewatch", false)]
    public void The_longest_rule_of_our_group_or_else_the_star_group_decides(string url, string token, bool allowed)
    {
        RobotsTxt.Parse(Text, token).Allows(new Uri(url)).ShouldBe(allowed);
    }

    [Fact]
    public void Crawl_delay_is_read_and_an_empty_file_allows_everything()
    {
        RobotsTxt.Parse(Text, "AnyBot").CrawlDelay.ShouldBe(TimeSpan.FromSeconds(3));
        RobotsTxt.Parse("", "Wirewatch").Allows(new Uri("https://w.example/anything")).ShouldBeTrue();
    }
}

public sealed class AddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("2001:4860:4860::8888", false)]
    public void Private_loopback_link_local_and_metadata_addresses_are_private(string address, bool isPrivate)
    {
        AddressGuard.IsPrivate(IPAddress.Parse(address)).ShouldBe(isPrivate);
    }
}

/// <summary>The instruments the ops dashboard is built on: their names are a contract (docs/fetching.md).</summary>
public sealed class FetchMetricsTests : IAsyncLifetime
{
    private readonly string _dataDir = TestPaths.TempFolder("metrics");
    private LoopbackSite _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task A_cycle_reports_requests_items_rejections_errors_and_latency_per_source()
    {
        var sourceId = "metrics-" + Guid.NewGuid().ToString("N")[..8]; // Other tests run in parallel; count only ours.
        var measured = new List<(string Name, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Wirewatch" && instrument.Name.StartsWith("wirewatch.fetch.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            if (Equals(dictionary.GetValueOrDefault("source"), sourceId))
            {
                lock (measured)
                {
                    measured.Add((instrument.Name, (long)Math.Ceiling(value), dictionary));
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        _site.Pages["1"] = LoopbackSite.Article("Counted", "One.");
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);
        var source = new SourceDefinition { Id = sourceId, Kind = SourceKinds.Rss, Url = _site.Url("private-links.xml").AbsoluteUri };

        await fetcher.RunAsync(source);

        long Sum(string name, string? key = null, string? value = null) =>
            measured.Where(m => m.Name == name && (key is null || Equals(m.Tags.GetValueOrDefault(key), value))).Sum(m => m.Value);
        Sum("wirewatch.fetch.items", "outcome", "new").ShouldBe(1);
        Sum("wirewatch.fetch.items", "outcome", "rejected").ShouldBe(5);
        Sum("wirewatch.fetch.rejected", "reason", "private-address").ShouldBe(4);
        Sum("wirewatch.fetch.rejected", "reason", "unsupported-scheme").ShouldBe(1);
        Sum("wirewatch.fetch.requests", "status", "200").ShouldBe(2); // The feed and the article.
        Sum("wirewatch.fetch.cycles", "outcome", "ok").ShouldBe(1);
        measured.ShouldContain(m => m.Name == "wirewatch.fetch.request.duration");
        measured.ShouldContain(m => m.Name == "wirewatch.fetch.duration");

        var broken = new SourceDefinition { Id = sourceId, Kind = SourceKinds.Page, Url = _site.Url("hang").AbsoluteUri };
        await using var impatient = await TestFetcher.StartAsync(_dataDir, configure: o => { o.AttemptTimeout = TimeSpan.FromMilliseconds(100); o.Retries = 1; });
        await impatient.RunAsync(broken);
        Sum("wirewatch.fetch.errors", "kind", "timeout").ShouldBe(1);
        Sum("wirewatch.fetch.items", "outcome", "failed").ShouldBe(1);
    }
}
