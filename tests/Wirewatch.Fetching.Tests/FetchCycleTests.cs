using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.State.Sqlite;

namespace Wirewatch.Fetching.Tests;

/// <summary>The fetch cycle against real folders and a real loopback HTTP server, publishing on MassTransit's test harness.</summary>
public sealed class FetchCycleTests : IAsyncLifetime
{
    private readonly string _dataDir = TestPaths.TempFolder("fetch");
    private LoopbackSite _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task A_folder_is_published_once_and_a_changed_file_again_as_version_2()
    {
        var inbox = Path.Combine(_dataDir, "inbox");
        Directory.CreateDirectory(inbox);
        File.WriteAllText(Path.Combine(inbox, "one.txt"), "Headline one\n\nSEOUL, Feb. 8 (Yonhap) -- Body one.");
        File.WriteAllText(Path.Combine(inbox, "two.txt"), "Headline two\n\nSEOUL, Feb. 8 (Yonhap) -- Body two.");
        File.WriteAllText(Path.Combine(inbox, "notes.json"), "{}");
        var source = new SourceDefinition { Id = "inbox", Kind = SourceKinds.Directory, Path = "inbox" };
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var first = await fetcher.RunAsync(source);
        var second = await fetcher.RunAsync(source);
        File.WriteAllText(Path.Combine(inbox, "two.txt"), "Headline two\n\nSEOUL, Feb. 8 (Yonhap) -- Body two, updated.");
        var third = await fetcher.RunAsync(source);

        first.Published.Select(a => Path.GetFileName(new Uri(a.Url).LocalPath)).ShouldBe(["one.txt", "two.txt"]);
        second.Published.ShouldBeEmpty();
        second.Outcomes["unchanged"].ShouldBe(2);
        third.Published.Single().Version.ShouldBe(2);
        third.Published.Single().ArticleId.ShouldBe(first.Published[1].ArticleId);
        fetcher.PublishedCount.ShouldBe(3);
    }

    [Fact]
    public async Task Urls_last_published_before_the_retention_are_forgotten_by_the_next_cycle()
    {
        var now = DateTimeOffset.UtcNow;
        var store = new SqliteSeenStore(Path.Combine(_dataDir, "wirewatch.db"));
        await store.MarkPublishedAsync(new SeenArticle("https://wire.example/old", "old", 1, "h1", null, now.AddDays(-100)), CancellationToken.None);
        await store.MarkPublishedAsync(new SeenArticle("https://wire.example/recent", "recent", 1, "h2", null, now.AddDays(-10)), CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(_dataDir, "empty"));
        await using var fetcher = await TestFetcher.StartAsync(_dataDir, configure: o => o.SeenRetention = TimeSpan.FromDays(90));

        await fetcher.RunAsync(new SourceDefinition { Id = "empty", Kind = SourceKinds.Directory, Path = "empty" });

        (await store.GetAsync("https://wire.example/old", CancellationToken.None)).ShouldBeNull("older than the retention");
        (await store.GetAsync("https://wire.example/recent", CancellationToken.None)).ShouldNotBeNull();
        (await store.PruneAsync(now.AddDays(-5), CancellationToken.None)).ShouldBe(1, "the recent one goes once it is older than the cut-off too");
    }

    [Fact]
    public async Task A_feed_publishes_each_linked_page_with_its_feed_hints_then_nothing_when_unchanged()
    {
        _site.Pages["1"] = LoopbackSite.Article("First story", "Body of the first story.");
        _site.Pages["2"] = LoopbackSite.Article("Second story", "Body of the second story.");
        var source = new SourceDefinition { Id = "wire", Kind = SourceKinds.Rss, Url = _site.Url("feed.xml").AbsoluteUri };
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var first = await fetcher.RunAsync(source);
        var second = await fetcher.RunAsync(source);

        first.Published.Count.ShouldBe(2);
        first.Published[0].Url.ShouldBe(_site.Url("a/1").AbsoluteUri); // utm_* and the fragment are gone.
        first.Published[0].Feed!.Title.ShouldBe("Feed title 1");
        first.Published[0].Feed!.PublishedAt.ShouldBe(new DateTimeOffset(2016, 2, 8, 4, 22, 0, TimeSpan.FromHours(9)));
        first.Published[0].Http!.Status.ShouldBe(200);
        first.Published[0].Http!.ETag.ShouldNotBeNull();
        first.Published[0].ContentType.ShouldBe("text/html");
        second.Published.ShouldBeEmpty();
        second.Outcomes.ShouldContainKey("not-modified"); // The feed answered 304 to its ETag.
        _site.Hits["/a/1"].ShouldBe(1);
    }

    [Fact]
    public async Task A_changed_page_behind_an_unchanged_link_is_published_as_version_2()
    {
        _site.Pages["1"] = LoopbackSite.Article("Story", "First text.");
        var source = new SourceDefinition { Id = "page", Kind = SourceKinds.Page, Url = _site.Url("a/1").AbsoluteUri };
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        await fetcher.RunAsync(source);
        var unchanged = await fetcher.RunAsync(source);
        _site.Pages["1"] = LoopbackSite.Article("(LEAD) Story", "First text, with more detail.");
        var changed = await fetcher.RunAsync(source);

        unchanged.Outcomes["not-modified"].ShouldBe(1);
        changed.Published.Single().Version.ShouldBe(2);
    }

    [Fact]
    public async Task Server_errors_are_retried_until_the_page_answers()
    {
        _site.FlakyFailures = 2;
        var source = new SourceDefinition { Id = "flaky", Kind = SourceKinds.Page, Url = _site.Url("flaky").AbsoluteUri };
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var result = await fetcher.RunAsync(source);

        result.Published.Count.ShouldBe(1);
        _site.Hits["/flaky"].ShouldBe(3);
    }

    [Fact]
    public async Task A_missing_page_is_a_counted_failure_not_a_crash()
    {
        var source = new SourceDefinition { Id = "gone", Kind = SourceKinds.Page, Url = _site.Url("a/404").AbsoluteUri };
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var result = await fetcher.RunAsync(source);

        result.Published.ShouldBeEmpty();
        result.Failures.Single().Reason.ShouldBe("http-404");
    }

    [Fact]
    public async Task An_invalid_feed_fails_the_cycle_with_a_reason()
    {
        var source = new SourceDefinition { Id = "broken", Kind = SourceKinds.Rss, Url = _site.Url("not-a-feed.xml").AbsoluteUri };
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        (await Should.ThrowAsync<FetchFailedException>(() => fetcher.RunAsync(source))).Reason.ShouldBe("invalid-feed");
    }

    [Fact]
    public async Task A_legacy_encoded_page_without_a_header_charset_is_decoded_from_its_meta_tag()
    {
        var source = new SourceDefinition { Id = "korean", Kind = SourceKinds.Page, Url = _site.Url("euc-kr").AbsoluteUri };
        await using var fetcher = await TestFetcher.StartAsync(_dataDir);

        var article = (await fetcher.RunAsync(source)).Published.Single();

        article.Charset.ShouldBe("euc-kr");
        article.Content.ShouldContain("북한 미사일 발사");
    }

    [Fact]
    public async Task When_publishing_fails_nothing_unpublished_is_marked_and_the_next_cycle_publishes_exactly_the_rest()
    {
        var inbox = Path.Combine(_dataDir, "inbox");
        Directory.CreateDirectory(inbox);
        foreach (var name in new[] { "a.txt", "b.txt", "c.txt" })
        {
            File.WriteAllText(Path.Combine(inbox, name), $"Headline {name}\n\nSEOUL, Feb. 8 (Yonhap) -- Body {name}.");
        }

        var source = new SourceDefinition { Id = "inbox", Kind = SourceKinds.Directory, Path = "inbox" };
        await using (var failing = await TestFetcher.StartAsync(_dataDir, failOn: "b.txt"))
        {
            await Should.ThrowAsync<Exception>(() => failing.RunAsync(source));
            failing.PublishedCount.ShouldBe(1);
        }

        await using var healthy = await TestFetcher.StartAsync(_dataDir);
        var retry = await healthy.RunAsync(source);

        retry.Published.Select(a => Path.GetFileName(new Uri(a.Url).LocalPath)).ShouldBe(["b.txt", "c.txt"]);
    }
}
