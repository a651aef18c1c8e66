using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Alerting.Tests;

public sealed class ThrottleTests : IAsyncLifetime
{
    private readonly WebhookSecret _secret = WebhookSecret.Create();
    private readonly FakeTimeProvider _time = new(Articles.FixedNow);
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(_secret.Key);

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private Subscription Throttled() => Classified.Sanctions(
            new ChannelDefinition { Type = ChannelTypes.Bus },
            new ChannelDefinition { Type = ChannelTypes.Webhook, Url = _receiver.Url.AbsoluteUri, SecretEnv = _secret.EnvName })
        with { Throttle = new ThrottleDefinition { MaxPerHour = 2, DigestAfter = 3 } };

    [Fact]
    public async Task Past_max_per_hour_alerts_are_batched_into_digests_and_none_is_dropped()
    {
        var subscription = Throttled();
        await using var host = await AlerterHost.StartAsync([subscription], time: _time);
        var throttle = host.Provider.GetRequiredService<SubscriptionThrottle>();

        for (var i = 1; i <= 7; i++)
        {
            await host.ClassifiedAsync(Classified.Article(0.9, story: $"s{i}"));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        // s1, s2 one by one; s3..s5 held and sent as a digest once three waited; s6, s7 waiting.
        _receiver.Accepted.Keys.Order(StringComparer.Ordinal).ShouldBe(["sanctions-desk:digest:sanctions-desk:s3", "sanctions-desk:s1", "sanctions-desk:s2"]);
        (await throttle.HeldCountAsync(subscription.Id, default)).ShouldBe(2);
        host.PublishedAlerts().Count.ShouldBe(7); // The bus is never throttled.

        await throttle.FlushDueAsync([subscription], default); // The hour is still full: nothing yet (the timer calls this each minute).
        (await throttle.HeldCountAsync(subscription.Id, default)).ShouldBe(2);

        // An hour later the flush timer (driven by the same clock) sends what waited.
        _time.Advance(TimeSpan.FromHours(1));
        await Eventually.True(() => _receiver.Accepted.Count == 4, "the second digest");

        (await throttle.HeldCountAsync(subscription.Id, default)).ShouldBe(0);
        var digests = _receiver.Requests.Where(r => r.Id.Contains(":digest:", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize<AlertDigest>(r.Body, WireJson.Options)!).ToList();
        digests.Select(d => d.Alerts.Select(a => a.AlertId).ToArray()).ShouldBe(
        [
            ["sanctions-desk:s3", "sanctions-desk:s4", "sanctions-desk:s5"],
            ["sanctions-desk:s6", "sanctions-desk:s7"],
        ]);
        _receiver.Requests.ShouldAllBe(r => r.SignatureValid);
    }

    [Fact]
    public async Task Without_a_throttle_every_alert_goes_out_on_its_own()
    {
        await using var host = await AlerterHost.StartAsync([Throttled() with { Throttle = null }], time: _time);

        for (var i = 1; i <= 4; i++)
        {
            await host.ClassifiedAsync(Classified.Article(0.9, story: $"s{i}"));
        }

        _receiver.Accepted.Count.ShouldBe(4);
    }
}
