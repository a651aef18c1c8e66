using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.State;

namespace Wirewatch.Cleaning.Tests;

/// <summary>The consumer on MassTransit's in-memory test harness: publishes cleaned articles with their story, counts and publishes rejections.</summary>
public sealed class CleanArticleConsumerTests : IAsyncLifetime
{
    private const string Page = "Navy to hold drills off south coast\n\nAll News 10:00 April 1, 2025\n\nSEOUL, April 1 (Yonhap) -- The navy will hold a joint exercise next month near the southern coast, the defense ministry said on Tuesday.";

    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly MeterListener _listener = new();
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is CleanerMetrics.CleanedName or CleanerMetrics.RejectedName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, map));
            }
        });
        _listener.Start();

        _provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(Articles.FixedNow))
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>))
            .AddSingleton<IOptions<CleanerOptions>>(Options.Create(new CleanerOptions()))
            .AddWirewatchState(StateLocation.Sqlite(Path.Combine(TestPaths.TempFolder("cleaner"), "wirewatch.db")))
            .AddCleaner(TestPaths.Defaults("cleaning-rules.json"))
            .AddMassTransitTestHarness(x => x.AddCleanerConsumer())
            .BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        _harness.TestTimeout = TimeSpan.FromSeconds(10);
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task A_reprint_is_published_with_the_story_of_the_original_and_says_what_it_updates()
    {
        var original = Articles.FromText(Page, url: "https://en.yna.co.kr/view/1", sourceId: "yonhap-nk");
        var reprint = Articles.FromText(Page.Replace("Navy to hold drills off south coast", "Navy plans exercise in southern waters", StringComparison.Ordinal),
            url: "https://www.koreatimes.co.kr/www/nation/1", sourceId: "kt");

        await _harness.Bus.Publish(original);
        await Eventually.True(() => _harness.Published.Select<ArticleCleaned>().Any(), "the original is cleaned");
        await _harness.Bus.Publish(reprint);
        await Eventually.True(() => _harness.Published.Select<ArticleCleaned>().Count() == 2, "the reprint is cleaned");

        var published = _harness.Published.Select<ArticleCleaned>().Select(m => m.Context.Message).ToList();
        var first = published.Single(a => a.ArticleId == original.ArticleId);
        var second = published.Single(a => a.ArticleId == reprint.ArticleId);
        second.StoryId.ShouldBe(first.StoryId);
        second.UpdatesArticleId.ShouldBe(original.ArticleId);
        Counted(CleanerMetrics.CleanedName).ShouldBe(2);
    }

    [Fact]
    public async Task A_rejection_is_published_once_and_counted_with_its_reason()
    {
        await _harness.Bus.Publish(Articles.FromText("   ", url: "https://en.yna.co.kr/view/empty"));

        await Eventually.True(() => _harness.Published.Select<ArticleRejected>().Any(), "the rejection is published");
        var rejected = _harness.Published.Select<ArticleRejected>().Single().Context.Message;
        rejected.Reason.ShouldBe(CleaningCodes.Empty);
        rejected.Stage.ShouldBe("cleaner");
        (await _harness.Published.Any<Fault<ArticleFetched>>()).ShouldBeFalse("a rejection is not an exception: nothing retries");
        Counted(CleanerMetrics.RejectedName, ("reason", CleaningCodes.Empty)).ShouldBe(1);
        _harness.Published.Select<ArticleCleaned>().ShouldBeEmpty();
    }

    private long Counted(string instrument, params (string Key, string Value)[] tags)
    {
        lock (_measurements)
        {
            return _measurements
                .Where(m => m.Instrument == instrument && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value)))
                .Sum(m => m.Value);
        }
    }
}
