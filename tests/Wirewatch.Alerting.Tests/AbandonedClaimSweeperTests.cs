using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Alerting.Tests;

public sealed class AbandonedClaimSweeperTests : IAsyncLifetime
{
    private readonly WebhookSecret _secret = WebhookSecret.Create();
    private readonly FakeTimeProvider _time = new(Articles.FixedNow);
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(_secret.Key);

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_delivery_a_dead_alerter_left_claimed_is_sent_once_after_the_lease_under_the_alert_id()
    {
        var webhook = new ChannelDefinition { Type = ChannelTypes.Webhook, Url = _receiver.Url.AbsoluteUri, SecretEnv = _secret.EnvName };
        await using var host = await AlerterHost.StartAsync([Classified.Sanctions(webhook)], time: _time);
        var ledger = host.Ledger;
        var candidate = host.Provider.GetRequiredService<SubscriptionMatcher>().Match(Classified.Article(0.9), Classified.Sanctions(webhook), _time.GetUtcNow())!;
        var alert = (await ledger.RaiseAsync(candidate, default))!.Alert;
        var dead = new TaskCompletionSource<ChannelResult>();
        var claimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dying = ledger.DeliverOnceAsync(alert, webhook.Key, _ =>
        {
            claimed.SetResult(); // The ledger calls the channel only once the claim is recorded.
            return dead.Task;
        }, default); // Claimed, then the process died.
        await claimed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var sweeper = ActivatorUtilities.CreateInstance<AbandonedClaimSweeper>(host.Provider);

        (await sweeper.SweepAsync(default)).ShouldBe(0, "a live claim is left alone");
        _receiver.Requests.ShouldBeEmpty();

        // Past the 10 min lease. The host's own sweeper (AddAlerter registers it) ticks on the same clock and may take
        // the claim first: whichever does, the alert is delivered once.
        _time.Advance(TimeSpan.FromMinutes(11));
        await sweeper.SweepAsync(default);
        await Eventually.True(() => _receiver.Requests.Count > 0, "the abandoned claim delivered");
        _receiver.Requests.ShouldHaveSingleItem().Id.ShouldBe(alert.AlertId);
        (await sweeper.SweepAsync(default)).ShouldBe(0, "recorded now: swept once");
        _receiver.Requests.Count.ShouldBe(1);

        dead.SetResult(ChannelResult.Delivered);
        await dying;
    }
}
