using Microsoft.Extensions.DependencyInjection;
using Wirewatch.ArticleStore;
using Wirewatch.Fetching;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>What the fetcher and the console's sources page rely on from <see cref="ISourceStatusStore"/>, on every store.</summary>
public abstract class SourceStatusStoreContract : StateContract
{
    private static readonly DateTimeOffset At = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_source_keeps_its_last_cycle_only_and_another_replica_reads_it()
    {
        var fetcher = Store<ISourceStatusStore>();

        await fetcher.RecordAsync(new SourceStatus("yonhap-nk", At, "ok", 3, 0, Broken: false), default);
        await fetcher.RecordAsync(new SourceStatus("yonhap-nk", At.AddMinutes(5), "http-503", 0, 3, Broken: true), default);
        await fetcher.RecordAsync(new SourceStatus("inbox", At.AddMinutes(1), "ok", 1, 0, Broken: false), default);

        var all = await Replica().GetRequiredService<ISourceStatusStore>().AllAsync(default);
        all.Select(s => s.SourceId).ShouldBe(["inbox", "yonhap-nk"], "one row per source, by id");
        all[1].ShouldBe(new SourceStatus("yonhap-nk", At.AddMinutes(5), "http-503", 0, 3, Broken: true), "the later cycle replaces the earlier one");
        all[0].LastFetchAt.ShouldBe(At.AddMinutes(1));
    }
}

public sealed class SqliteSourceStatusStoreContract : SourceStatusStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => SqliteLocation.NewAsync();

    [Fact]
    public void The_console_article_store_is_registered_on_sqlite() =>
        Replica().GetService<IArticleStore>().ShouldNotBeNull("the console's store lives in the seam on SQLite");
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSourceStatusStoreContract(PostgresCluster cluster) : SourceStatusStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => PostgresLocation.NewAsync(cluster);
}
