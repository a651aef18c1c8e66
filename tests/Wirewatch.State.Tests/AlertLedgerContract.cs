using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting;
using Wirewatch.Contracts;
using Wirewatch.State.Postgres;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>What the alerter relies on from <see cref="IAlertLedger"/>: one alert per story, each alert once per channel, across replicas.</summary>
public abstract class AlertLedgerContract : StateContract
{
    internal static AlertRaised Candidate(string severity = Severities.Medium, string[]? topics = null, int version = 1, string articleId = "a", string story = "s1") => new()
    {
        AlertId = "",
        SubscriptionId = "desk",
        Severity = severity,
        Topics = (topics ?? ["sanctions"]).Select(t => new AlertTopic { Topic = t, Score = 0.8 }).ToList(),
        Headline = "UN tightens sanctions on N. Korea",
        Url = $"https://wire.example/{articleId}",
        Evidence = [],
        IsUpdate = false,
        ArticleId = articleId,
        Version = version,
        StoryId = story,
        SourceId = "test",
        ProducedAt = Wirewatch.Tests.Shared.Articles.FixedNow,
    };

    protected IAlertLedger Ledger(Action<AlertLedgerOptions>? options = null) => Replica(options).GetRequiredService<IAlertLedger>();

    protected static Func<CancellationToken, Task<ChannelResult>> Counting(Action count) => _ =>
    {
        count();
        return Task.FromResult(ChannelResult.Delivered);
    };

    [Fact]
    public async Task A_story_alerts_once_then_only_when_severity_rises_or_a_topic_is_added()
    {
        var (one, two) = (Ledger(), Ledger());

        var first = (await one.RaiseAsync(Candidate(), default)).ShouldNotBeNull();
        var sameAgain = await two.RaiseAsync(Candidate(version: 2), default);
        var reprint = await two.RaiseAsync(Candidate(articleId: "b"), default);
        var higher = (await two.RaiseAsync(Candidate(Severities.High, version: 3), default)).ShouldNotBeNull();
        var newTopic = (await one.RaiseAsync(Candidate(Severities.Low, ["sanctions", "defense"], version: 4), default)).ShouldNotBeNull();

        first.Alert.AlertId.ShouldBe("desk:s1");
        first.IsNew.ShouldBeTrue();
        sameAgain.ShouldBeNull("nothing new for the story, whichever replica asks");
        reprint.ShouldBeNull();
        (higher.Alert.AlertId, higher.Alert.IsUpdate, higher.Alert.UpdatesAlertId).ShouldBe(("desk:s1:u1", true, "desk:s1"));
        newTopic.Alert.AlertId.ShouldBe("desk:s1:u2");
    }

    [Fact]
    public async Task A_redelivered_version_gets_its_alert_again_not_a_new_one()
    {
        var first = (await Ledger().RaiseAsync(Candidate(), default)).ShouldNotBeNull();

        var again = (await Ledger().RaiseAsync(Candidate(), default)).ShouldNotBeNull();

        again.IsNew.ShouldBeFalse();
        again.Alert.AlertId.ShouldBe(first.Alert.AlertId);
    }

    [Fact]
    public async Task Each_channel_receives_an_alert_once_across_replicas()
    {
        var (one, two) = (Ledger(), Ledger());
        var alert = (await one.RaiseAsync(Candidate(), default))!.Alert;
        var sent = 0;

        (await one.DeliverOnceAsync(alert, "webhook:a", Counting(() => sent++), default)).ShouldBe(DeliveryOutcome.Delivered);
        (await two.DeliverOnceAsync(alert, "webhook:a", Counting(() => sent++), default)).ShouldBe(DeliveryOutcome.Duplicate);
        (await two.DeliverOnceAsync(alert, "email:b", Counting(() => sent++), default)).ShouldBe(DeliveryOutcome.Delivered);

        sent.ShouldBe(2);
    }

    [Fact]
    public async Task A_failed_delivery_is_released_and_a_dead_letter_waits_for_replay()
    {
        var ledger = Ledger();
        var alert = (await ledger.RaiseAsync(Candidate(), default))!.Alert;

        await Should.ThrowAsync<HttpRequestException>(() => ledger.DeliverOnceAsync(alert, "webhook:a", _ => throw new HttpRequestException("down"), default));
        (await ledger.DeliverOnceAsync(alert, "webhook:a", _ => Task.FromResult(ChannelResult.Failed("rejected", "400")), default))
            .ShouldBe(DeliveryOutcome.DeadLettered, "the throw released the claim, so this attempt delivered (and failed for good)");
        (await Ledger().DeliverOnceAsync(alert, "webhook:a", Counting(() => { }), default)).ShouldBe(DeliveryOutcome.DeadLettered);

        var letter = (await Ledger().DeadLettersAsync(alert.AlertId, default)).ShouldHaveSingleItem();
        (letter.Channel, letter.Reason, letter.Detail, letter.Alert.AlertId).ShouldBe(("webhook:a", "rejected", "400", alert.AlertId));
        (await ledger.DeliverOnceAsync(alert, "webhook:a", Counting(() => { }), default, replay: true)).ShouldBe(DeliveryOutcome.Delivered);
        (await ledger.DeadLettersAsync(null, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_disabled_channel_stays_disabled_for_every_replica_until_enabled()
    {
        await Ledger().DisableChannelAsync("webhook:a", "gone", default);

        (await Ledger().IsChannelDisabledAsync("webhook:a", default)).ShouldBeTrue();
        (await Ledger().IsChannelDisabledAsync("webhook:b", default)).ShouldBeFalse();
        (await Ledger().EnableChannelAsync("webhook:a", default)).ShouldBeTrue();
        (await Ledger().EnableChannelAsync("webhook:a", default)).ShouldBeFalse();
        (await Ledger().IsChannelDisabledAsync("webhook:a", default)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_claim_older_than_the_lease_is_abandoned_and_taken_over_once()
    {
        var dying = Ledger();
        var alert = (await dying.RaiseAsync(Candidate(), default))!.Alert;
        var claimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<ChannelResult>();
        _ = dying.DeliverOnceAsync(alert, "webhook:a", _ =>
        {
            claimed.SetResult();
            return never.Task;
        }, default);
        await claimed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var other = Ledger();

        (await other.DeliverOnceAsync(alert, "webhook:a", Counting(() => { }), default)).ShouldBe(DeliveryOutcome.InProgress);
        Time.Advance(TimeSpan.FromMinutes(11));
        var abandoned = (await other.AbandonedClaimsAsync(default)).ShouldHaveSingleItem();
        abandoned.Alert.AlertId.ShouldBe(alert.AlertId);

        (await other.DeliverOnceAsync(alert, "webhook:a", Counting(() => { }), default)).ShouldBe(DeliveryOutcome.Delivered);
        (await other.AbandonedClaimsAsync(default)).ShouldBeEmpty();
    }
}

public sealed class SqliteAlertLedgerContract : AlertLedgerContract
{
    protected override Task<StateLocation> NewLocationAsync() => SqliteLocation.NewAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAlertLedgerContract(PostgresCluster cluster) : AlertLedgerContract
{
    protected override Task<StateLocation> NewLocationAsync() => PostgresLocation.NewAsync(cluster);

    [Fact]
    public async Task Two_replicas_racing_on_one_claim_deliver_once()
    {
        var (one, two) = (Ledger(), Ledger());
        var alert = (await one.RaiseAsync(Candidate(), default))!.Alert;
        await two.IsChannelDisabledAsync("warm", default); // both connected: the race is on the claim, not the first connection
        for (var round = 0; round < 20; round++)
        {
            var channel = $"webhook:{round}";
            var sent = 0;
            using var start = new Barrier(2);
            var outcomes = await Task.WhenAll(new[] { one, two }.Select(ledger => Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                return ledger.DeliverOnceAsync(alert, channel, Counting(() => Interlocked.Increment(ref sent)), default);
            })));

            sent.ShouldBe(1, $"round {round}: {string.Join(", ", outcomes)}");
            outcomes.Count(o => o == DeliveryOutcome.Delivered).ShouldBe(1);
        }
    }

    [Fact]
    public async Task Two_replicas_racing_on_a_storys_first_alert_raise_it_once()
    {
        var (one, two) = (Ledger(), Ledger());
        await one.IsChannelDisabledAsync("warm", default);
        await two.IsChannelDisabledAsync("warm", default);
        for (var round = 0; round < 10; round++)
        {
            using var start = new Barrier(2);
            var raised = await Task.WhenAll(new[] { (one, "a"), (two, "b") }.Select(x => Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                return x.Item1.RaiseAsync(Candidate(articleId: x.Item2, story: $"r{round}"), default);
            })));

            raised.Count(r => r is { IsNew: true }).ShouldBe(1, $"round {round}");
        }
    }

    [Fact]
    public async Task A_claim_whose_holder_died_is_taken_over_in_seconds_not_after_the_lease()
    {
        var dying = (PostgresAlertLedger)Ledger();
        var alert = (await dying.RaiseAsync(Candidate(), default))!.Alert;
        var claimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = dying.DeliverOnceAsync(alert, "webhook:a", _ =>
        {
            claimed.SetResult();
            return new TaskCompletionSource<ChannelResult>().Task; // killed mid-send: never records
        }, default);
        await claimed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var survivor = Ledger();

        Time.Advance(PostgresAlertLedger.HeartbeatInterval);
        await dying.BeatAsync(default); // alive: its claim is left alone
        (await survivor.AbandonedClaimsAsync(default)).ShouldBeEmpty();
        (await survivor.DeliverOnceAsync(alert, "webhook:a", Counting(() => { }), default)).ShouldBe(DeliveryOutcome.InProgress);

        Time.Advance(PostgresAlertLedger.LivenessTimeout + TimeSpan.FromSeconds(1)); // no beat since: dead, 10 min lease far off

        (await survivor.AbandonedClaimsAsync(default)).ShouldHaveSingleItem().Alert.AlertId.ShouldBe(alert.AlertId);
        (await survivor.DeliverOnceAsync(alert, "webhook:a", Counting(() => { }), default)).ShouldBe(DeliveryOutcome.Delivered);
    }

    [Fact]
    public async Task A_copy_waiting_on_a_live_claim_is_woken_when_the_holder_records_it()
    {
        var holder = Ledger();
        var alert = (await holder.RaiseAsync(Candidate(), default))!.Alert;
        var claimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource<ChannelResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = holder.DeliverOnceAsync(alert, "webhook:a", _ =>
        {
            claimed.SetResult();
            return finish.Task;
        }, default);
        await claimed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var sent = 0;

        var waiting = Ledger(o => o.InProgressWait = TimeSpan.FromMinutes(3)).DeliverOnceAsync(alert, "webhook:a", Counting(() => sent++), default);
        finish.SetResult(ChannelResult.Delivered);

        (await holding).ShouldBe(DeliveryOutcome.Delivered);
        (await waiting.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(DeliveryOutcome.Duplicate);
        sent.ShouldBe(0);
    }
}
