using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>What the throttle relies on from <see cref="IThrottleStore"/>: one hour per subscription across replicas, nothing held lost on restart.</summary>
public abstract class ThrottleStoreContract : StateContract
{
    private static readonly ThrottleDefinition OnePerHour = new() { MaxPerHour = 1, DigestAfter = 3 };

    protected IThrottleStore Throttle() => Replica().GetRequiredService<IThrottleStore>();

    protected Task<(ThrottleChange Change, IReadOnlyList<Wirewatch.Contracts.AlertRaised> Taken)> AlertAsync(IThrottleStore store, string alertId)
    {
        var alert = AlertLedgerContract.Candidate(articleId: alertId) with { AlertId = alertId };
        var now = Time.GetUtcNow();
        return store.UpdateAsync("desk", now - ThrottlePolicy.Window, w => ThrottlePolicy.OnAlert(w, alert, OnePerHour, now), default);
    }

    [Fact]
    public async Task Held_alerts_survive_a_restart_and_go_out_in_one_digest()
    {
        var before = Throttle();
        (await AlertAsync(before, "a1")).Change.Send.ShouldBeTrue();
        (await AlertAsync(before, "a2")).Change.Hold.ShouldNotBeNull();
        (await AlertAsync(before, "a2")).Change.Hold.ShouldBeNull("a redelivered held alert is held once");

        var restarted = Throttle();
        (await restarted.HeldCountAsync("desk", default)).ShouldBe(1);
        var (_, taken) = await AlertAsync(restarted, "a3");
        taken.ShouldBeEmpty("two waiting, the digest comes at three");
        var (change, digest) = await AlertAsync(restarted, "a4");

        change.TakeHeld.ShouldBeTrue();
        digest.Select(a => a.AlertId).ShouldBe(["a2", "a3", "a4"]);
        (await Throttle().HeldCountAsync("desk", default)).ShouldBe(0);
    }

    [Fact]
    public async Task The_hour_rolls_over_and_a_flush_sends_what_waited()
    {
        var store = Throttle();
        await AlertAsync(store, "a1");
        await AlertAsync(store, "a2");
        var now = Time.GetUtcNow();
        (await store.UpdateAsync("desk", now - ThrottlePolicy.Window, w => ThrottlePolicy.OnFlush(w, OnePerHour, now), default)).Taken.ShouldBeEmpty("the hour is full");

        Time.Advance(TimeSpan.FromMinutes(61));
        now = Time.GetUtcNow();
        var (_, taken) = await Throttle().UpdateAsync("desk", now - ThrottlePolicy.Window, w => ThrottlePolicy.OnFlush(w, OnePerHour, now), default);

        taken.Select(a => a.AlertId).ShouldBe(["a2"]);
    }
}

public sealed class SqliteThrottleStoreContract : ThrottleStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => SqliteLocation.NewAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresThrottleStoreContract(PostgresCluster cluster) : ThrottleStoreContract
{
    protected override Task<StateLocation> NewLocationAsync() => PostgresLocation.NewAsync(cluster);

    [Fact]
    public async Task Two_replicas_racing_for_the_last_slot_of_the_hour_send_once()
    {
        var (one, two) = (Throttle(), Throttle());
        await one.HeldCountAsync("warm", default);
        await two.HeldCountAsync("warm", default);
        using var start = new Barrier(2);

        var results = await Task.WhenAll(new[] { (one, "a1"), (two, "a2") }.Select(x => Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(30));
            return AlertAsync(x.Item1, x.Item2);
        })));

        results.Count(r => r.Change.Send).ShouldBe(1);
        (await one.HeldCountAsync("desk", default)).ShouldBe(1);
    }
}
