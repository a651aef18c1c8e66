using Microsoft.Extensions.Time.Testing;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.State.Sqlite;

namespace Wirewatch.Alerting.Tests;

public sealed class AlertLedgerTests
{
    private static readonly SubscriptionMatcher Matcher = new();

    private static AlertRaised Candidate(double sanctions = 0.9, double defense = 0.1, int version = 1, string? articleId = null, Subscription? subscription = null) =>
        Matcher.Match(Classified.Article(sanctions, defense, version, articleId: articleId), subscription ?? Classified.Sanctions(), Articles.FixedNow)!;

    private static SqliteAlertLedger NewLedger(TimeProvider? time = null, string? path = null) =>
        new(path ?? Path.Combine(TestPaths.TempFolder("ledger"), "wirewatch.db"), time);

    private static Func<CancellationToken, Task<ChannelResult>> Counting(Action count) => _ =>
    {
        count();
        return Task.FromResult(ChannelResult.Delivered);
    };

    [Fact]
    public async Task A_story_raises_one_alert_whose_id_is_subscription_and_story()
    {
        var ledger = NewLedger();

        var first = await ledger.RaiseAsync(Candidate(), default);

        first.ShouldNotBeNull();
        first.IsNew.ShouldBeTrue();
        first.Alert.AlertId.ShouldBe("sanctions-desk:story-1");
        first.Alert.IsUpdate.ShouldBeFalse();
        first.Alert.UpdatesAlertId.ShouldBeNull();
    }

    [Fact]
    public async Task A_new_version_that_adds_nothing_raises_nothing()
    {
        var ledger = NewLedger();
        await ledger.RaiseAsync(Candidate(0.9), default);

        (await ledger.RaiseAsync(Candidate(0.95, version: 2), default)).ShouldBeNull(); // Same severity (high), same topic.
        (await ledger.RaiseAsync(Candidate(0.7, version: 3), default)).ShouldBeNull();  // Lower severity.
        (await ledger.RaiseAsync(Candidate(0.9, articleId: "reprint-elsewhere"), default)).ShouldBeNull(); // The story reprinted by another wire.
    }

    [Fact]
    public async Task A_version_that_raises_the_severity_or_adds_a_topic_is_an_update_referring_to_the_first_alert()
    {
        var ledger = NewLedger();
        var both = Classified.Sanctions() with { Topics = ["sanctions", "defense"] };
        await ledger.RaiseAsync(Candidate(0.65, subscription: both), default);

        var higher = await ledger.RaiseAsync(Candidate(0.9, version: 2, subscription: both), default);
        var newTopic = await ledger.RaiseAsync(Candidate(0.9, defense: 0.8, version: 3, subscription: both), default);

        higher!.Alert.AlertId.ShouldBe("sanctions-desk:story-1:u1");
        higher.Alert.IsUpdate.ShouldBeTrue();
        higher.Alert.UpdatesAlertId.ShouldBe("sanctions-desk:story-1");
        newTopic!.Alert.AlertId.ShouldBe("sanctions-desk:story-1:u2");
        newTopic.Alert.UpdatesAlertId.ShouldBe("sanctions-desk:story-1");
    }

    [Fact]
    public async Task A_redelivered_version_gets_the_same_alert_back_and_no_new_one()
    {
        var ledger = NewLedger();
        await ledger.RaiseAsync(Candidate(0.65), default);
        var update = await ledger.RaiseAsync(Candidate(0.9, version: 2), default);

        var again = await ledger.RaiseAsync(Candidate(0.9, version: 2), default);

        again!.IsNew.ShouldBeFalse();
        again.Alert.AlertId.ShouldBe(update!.Alert.AlertId);
    }

    [Fact]
    public async Task A_restarted_alerter_on_the_same_file_remembers_the_story()
    {
        var path = Path.Combine(TestPaths.TempFolder("ledger"), "wirewatch.db");
        await NewLedger(path: path).RaiseAsync(Candidate(), default);

        (await NewLedger(path: path).RaiseAsync(Candidate(0.95, version: 2), default)).ShouldBeNull();
    }

    [Fact]
    public async Task A_channel_receives_an_alert_once_however_often_it_is_delivered()
    {
        var ledger = NewLedger();
        var alert = (await ledger.RaiseAsync(Candidate(), default))!.Alert;
        var deliveries = 0;

        (await ledger.DeliverOnceAsync(alert, "webhook:x", Counting(() => deliveries++), default)).ShouldBe(DeliveryOutcome.Delivered);
        (await ledger.DeliverOnceAsync(alert, "webhook:x", Counting(() => deliveries++), default)).ShouldBe(DeliveryOutcome.Duplicate);
        (await ledger.DeliverOnceAsync(alert, "bus", Counting(() => deliveries++), default)).ShouldBe(DeliveryOutcome.Delivered);

        deliveries.ShouldBe(2);
    }

    [Fact]
    public async Task A_delivery_that_threw_is_made_again_so_no_alert_is_lost()
    {
        var ledger = NewLedger();
        var alert = (await ledger.RaiseAsync(Candidate(), default))!.Alert;

        await Should.ThrowAsync<IOException>(() => ledger.DeliverOnceAsync(alert, "bus", _ => throw new IOException("broker down"), default));

        (await ledger.DeliverOnceAsync(alert, "bus", _ => Task.FromResult(ChannelResult.Delivered), default)).ShouldBe(DeliveryOutcome.Delivered);
    }

    [Fact]
    public async Task A_copy_that_finds_a_live_claim_delivers_itself_once_the_holder_fails_and_releases_it()
    {
        // The broker handed the message out again after a lost connection while the first copy was still publishing.
        var ledger = NewLedger();
        var alert = (await ledger.RaiseAsync(Candidate(), default))!.Alert;
        var holderStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failHolder = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = ledger.DeliverOnceAsync(alert, "bus", async _ =>
        {
            holderStarted.SetResult();
            await failHolder.Task;
            throw new IOException("publish not confirmed: the connection was lost");
        }, default);
        await holderStarted.Task;

        var deliveries = 0;
        var copy = ledger.DeliverOnceAsync(alert, "bus", Counting(() => Interlocked.Increment(ref deliveries)), default);
        copy.IsCompleted.ShouldBeFalse("the copy waits while the holder's claim is live, instead of acknowledging a delivery that may never happen");
        failHolder.SetResult();

        await Should.ThrowAsync<IOException>(() => holder);
        (await copy).ShouldBe(DeliveryOutcome.Delivered);
        deliveries.ShouldBe(1);
    }

    [Fact]
    public async Task A_copy_that_finds_a_live_claim_is_a_duplicate_once_the_holder_records_its_delivery()
    {
        var ledger = NewLedger();
        var alert = (await ledger.RaiseAsync(Candidate(), default))!.Alert;
        var holderStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finishHolder = new TaskCompletionSource<ChannelResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = ledger.DeliverOnceAsync(alert, "bus", _ =>
        {
            holderStarted.SetResult();
            return finishHolder.Task;
        }, default);
        await holderStarted.Task;

        var copy = ledger.DeliverOnceAsync(alert, "bus", _ => throw new InvalidOperationException("the copy must not deliver"), default);
        finishHolder.SetResult(ChannelResult.Delivered);

        (await holder).ShouldBe(DeliveryOutcome.Delivered);
        (await copy).ShouldBe(DeliveryOutcome.Duplicate);
    }

    [Fact]
    public async Task Two_ledgers_on_one_file_racing_deliver_each_alert_to_each_channel_exactly_once()
    {
        var path = Path.Combine(TestPaths.TempFolder("ledger"), "wirewatch.db");
        var ledgers = new[] { NewLedger(path: path), NewLedger(path: path) };
        var deliveries = 0;
        var raised = 0;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var result = await ledgers[i % 2].RaiseAsync(Candidate(), default);
            if (result!.IsNew)
            {
                Interlocked.Increment(ref raised);
            }

            await ledgers[i % 2].DeliverOnceAsync(result.Alert, "webhook:x", async _ =>
            {
                Interlocked.Increment(ref deliveries);
                await Task.Yield(); // Give the racers a chance to overlap the delivery.
                return ChannelResult.Delivered;
            }, default);
        })));

        raised.ShouldBe(1);
        deliveries.ShouldBe(1);
    }

    [Fact]
    public async Task A_claim_left_by_a_dead_replica_is_taken_over_after_the_lease()
    {
        var time = new FakeTimeProvider(Articles.FixedNow);
        var path = Path.Combine(TestPaths.TempFolder("ledger"), "wirewatch.db");
        var ledger = new SqliteAlertLedger(path, time, claimLease: TimeSpan.FromMinutes(10), inProgressWait: TimeSpan.Zero);
        var alert = (await ledger.RaiseAsync(Candidate(), default))!.Alert;
        var stuck = new TaskCompletionSource<ChannelResult>();
        var dying = ledger.DeliverOnceAsync(alert, "webhook:x", _ => stuck.Task, default); // Never finishes: the replica died.

        (await ledger.DeliverOnceAsync(alert, "webhook:x", _ => Task.FromResult(ChannelResult.Delivered), default)).ShouldBe(DeliveryOutcome.InProgress);
        time.Advance(TimeSpan.FromMinutes(11));
        (await ledger.DeliverOnceAsync(alert, "webhook:x", _ => Task.FromResult(ChannelResult.Delivered), default)).ShouldBe(DeliveryOutcome.Delivered);

        stuck.SetResult(ChannelResult.Delivered);
        await dying;
        (await ledger.DeliverOnceAsync(alert, "webhook:x", _ => Task.FromResult(ChannelResult.Delivered), default)).ShouldBe(DeliveryOutcome.Duplicate);
    }

    [Fact]
    public async Task A_claim_is_listed_as_abandoned_only_once_its_lease_has_passed_and_not_once_it_is_recorded()
    {
        var time = new FakeTimeProvider(Articles.FixedNow);
        var ledger = new SqliteAlertLedger(Path.Combine(TestPaths.TempFolder("ledger"), "wirewatch.db"), time, claimLease: TimeSpan.FromMinutes(10));
        var alert = (await ledger.RaiseAsync(Candidate(), default))!.Alert;
        var stuck = new TaskCompletionSource<ChannelResult>();
        var dying = ledger.DeliverOnceAsync(alert, "webhook:x", _ => stuck.Task, default); // The process died here.

        (await ledger.AbandonedClaimsAsync(default)).ShouldBeEmpty("a live claim is not abandoned");
        time.Advance(TimeSpan.FromMinutes(11));
        var abandoned = (await ledger.AbandonedClaimsAsync(default)).ShouldHaveSingleItem();
        abandoned.Alert.AlertId.ShouldBe(alert.AlertId);
        abandoned.Channel.ShouldBe("webhook:x");

        (await ledger.DeliverOnceAsync(alert, "webhook:x", _ => Task.FromResult(ChannelResult.Delivered), default)).ShouldBe(DeliveryOutcome.Delivered);
        (await ledger.AbandonedClaimsAsync(default)).ShouldBeEmpty("taken over and recorded");
        stuck.SetResult(ChannelResult.Delivered);
        await dying;
    }

    [Fact]
    public async Task A_failed_delivery_is_dead_lettered_and_only_a_replay_claims_it_again()
    {
        var ledger = NewLedger();
        var alert = (await ledger.RaiseAsync(Candidate(), default))!.Alert;

        (await ledger.DeliverOnceAsync(alert, "webhook:x", _ => Task.FromResult(ChannelResult.Failed("retries-exhausted", "HTTP 503")), default)).ShouldBe(DeliveryOutcome.DeadLettered);
        (await ledger.DeliverOnceAsync(alert, "webhook:x", _ => Task.FromResult(ChannelResult.Delivered), default)).ShouldBe(DeliveryOutcome.DeadLettered);

        var letter = (await ledger.DeadLettersAsync(null, default)).ShouldHaveSingleItem();
        System.Text.Json.JsonSerializer.Serialize(letter.Alert, WireJson.Options).ShouldBe(System.Text.Json.JsonSerializer.Serialize(alert, WireJson.Options));
        letter.Channel.ShouldBe("webhook:x");
        letter.Reason.ShouldBe("retries-exhausted");

        (await ledger.DeliverOnceAsync(alert, "webhook:x", _ => Task.FromResult(ChannelResult.Delivered), default, replay: true)).ShouldBe(DeliveryOutcome.Delivered);
        (await ledger.DeadLettersAsync(null, default)).ShouldBeEmpty();
    }
}
