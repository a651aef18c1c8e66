using Wirewatch.Alerting;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>What the console and the alerters rely on from <see cref="IReplayRequestStore"/>, on every store.</summary>
public abstract class ReplayRequestStoreContract : StateContract
{
    [Fact]
    public async Task A_request_is_taken_once_completed_with_its_results_and_listed_newest_first()
    {
        var console = Store<IReplayRequestStore>();
        var first = await console.RequestAsync("desk:story-a", "operator", default);
        Time.Advance(TimeSpan.FromSeconds(1));
        var second = await console.RequestAsync("desk:story-b", "operator", default);
        first.State.ShouldBe(ReplayRequest.Pending);

        var alerter = Store<IReplayRequestStore>();
        var taken = await alerter.TakeAsync(10, Time.GetUtcNow() - TimeSpan.FromMinutes(10), default);
        taken.Select(r => r.AlertId).ShouldBe(["desk:story-a", "desk:story-b"]);
        taken.ShouldAllBe(r => r.State == ReplayRequest.Taken);
        (await alerter.TakeAsync(10, Time.GetUtcNow() - TimeSpan.FromMinutes(10), default)).ShouldBeEmpty("a taken request is not handed out again while its alerter lives");

        await alerter.CompleteAsync(first.Id, [new ReplayResult("desk:story-a", "webhook:https://hooks.example/a", "delivered", null)], default);
        var listed = await console.RecentAsync(null, 10, default);
        listed.Select(r => r.Id).ShouldBe([second.Id, first.Id]);
        var done = (await console.RecentAsync("desk:story-a", 10, default)).ShouldHaveSingleItem();
        done.State.ShouldBe(ReplayRequest.Done);
        done.RequestedBy.ShouldBe("operator");
        done.FinishedAt.ShouldNotBeNull();
        done.Results.ShouldHaveSingleItem().Outcome.ShouldBe("delivered");
    }

    [Fact]
    public async Task Two_alerters_taking_at_once_never_take_the_same_request()
    {
        var console = Store<IReplayRequestStore>();
        for (var i = 0; i < 20; i++)
        {
            await console.RequestAsync($"desk:story-{i}", "operator", default);
        }

        var stale = Time.GetUtcNow() - TimeSpan.FromMinutes(10);
        var alerters = Enumerable.Range(0, 4).Select(_ => Store<IReplayRequestStore>()).ToList();
        var batches = await Task.WhenAll(alerters.Select(a => Task.Run(() => a.TakeAsync(8, stale, default))));
        var ids = batches.SelectMany(b => b).Select(r => r.Id).ToList();
        ids.Count.ShouldBe(ids.Distinct().Count(), "no request in two batches");
        ids.Count.ShouldBeLessThanOrEqualTo(20);
        var rest = await alerters[0].TakeAsync(100, stale, default);
        (ids.Count + rest.Count).ShouldBe(20, "every request is taken by exactly one alerter in the end");
    }

    [Fact]
    public async Task Pruning_removes_finished_requests_older_than_the_cutoff_and_keeps_open_ones()
    {
        var store = Store<IReplayRequestStore>();
        var old = await store.RequestAsync("desk:story-old", "operator", default);
        var waiting = await store.RequestAsync("desk:story-waiting", "operator", default);
        (await store.TakeAsync(1, Time.GetUtcNow() - TimeSpan.FromMinutes(10), default)).ShouldHaveSingleItem().Id.ShouldBe(old.Id);
        await store.CompleteAsync(old.Id, [], default);
        Time.Advance(TimeSpan.FromDays(31));
        var recent = await store.RequestAsync("desk:story-recent", "operator", default);
        (await store.TakeAsync(1, Time.GetUtcNow() - TimeSpan.FromMinutes(10), default)).Single().Id.ShouldBe(waiting.Id);
        await store.CompleteAsync(waiting.Id, [], default);

        (await store.PruneAsync(Time.GetUtcNow() - TimeSpan.FromDays(30), default)).ShouldBe(1);
        (await store.RecentAsync(null, 10, default)).Select(r => r.Id).ShouldBe([recent.Id, waiting.Id], "the pending one and the one finished within the retention stay");
    }

    [Fact]
    public async Task A_request_whose_alerter_died_is_taken_again_after_the_lease()
    {
        var console = Store<IReplayRequestStore>();
        var request = await console.RequestAsync("desk:story-a", "operator", default);
        var lease = TimeSpan.FromMinutes(10);
        (await Store<IReplayRequestStore>().TakeAsync(10, Time.GetUtcNow() - lease, default)).ShouldHaveSingleItem();

        Time.Advance(TimeSpan.FromMinutes(5));
        (await Store<IReplayRequestStore>().TakeAsync(10, Time.GetUtcNow() - lease, default)).ShouldBeEmpty("within the lease the first alerter may still be at it");
        Time.Advance(TimeSpan.FromMinutes(6));
        (await Store<IReplayRequestStore>().TakeAsync(10, Time.GetUtcNow() - lease, default)).ShouldHaveSingleItem().Id.ShouldBe(request.Id);
    }
}

public sealed class SqliteReplayRequestStoreContract : ReplayRequestStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => SqliteLocation.NewAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReplayRequestStoreContract(PostgresCluster cluster) : ReplayRequestStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => PostgresLocation.NewAsync(cluster);
}
