using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting.Channels;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;

namespace Wirewatch.Alerting.Tests;

/// <summary>The webhook channel against a real receiver on loopback that checks every signature and counts deliveries.</summary>
public sealed class WebhookChannelTests : IAsyncLifetime
{
    private readonly WebhookSecret _secret = WebhookSecret.Create();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(_secret.Key);

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private Subscription Hooked() => Classified.Sanctions(
        new ChannelDefinition { Type = ChannelTypes.Bus },
        new ChannelDefinition { Type = ChannelTypes.Webhook, Url = _receiver.Url.AbsoluteUri, SecretEnv = _secret.EnvName });

    [Fact]
    public void Signatures_follow_the_standard_webhooks_test_vector()
    {
        // The example in the Standard Webhooks specification's reference libraries.
        var key = WebhookSignature.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var body = """{"test": 2432232314}"""u8.ToArray();

        WebhookSignature.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).ShouldBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    [Fact]
    public async Task An_alert_is_posted_signed_with_the_alert_id_as_webhook_id()
    {
        await using var host = await AlerterHost.StartAsync([Hooked()]);

        await host.ClassifiedAsync(Classified.Article(0.9));

        var request = _receiver.Requests.ShouldHaveSingleItem();
        request.SignatureValid.ShouldBeTrue();
        request.Id.ShouldBe("sanctions-desk:story-1");
        var alert = JsonSerializer.Deserialize<AlertRaised>(request.Body, WireJson.Options)!;
        alert.AlertId.ShouldBe(request.Id);
        alert.Evidence.ShouldNotBeEmpty();
        alert.Dateline!.City.ShouldBe("SEOUL");
        var key = _secret.Value["whsec_".Length..];
        host.Logs.Lines.ShouldNotContain(l => l.Contains(key, StringComparison.Ordinal), "the secret must never be logged");
    }

    [Fact]
    public async Task A_receiver_failing_with_500_for_a_while_gets_every_alert_exactly_once_after_it_recovers()
    {
        _receiver.Script = (n, _) => Task.FromResult<IResult?>(n <= 4 ? Results.StatusCode(500) : null);
        await using var host = await AlerterHost.StartAsync([Hooked()]);

        foreach (var story in new[] { "s1", "s2", "s3" })
        {
            await host.ClassifiedAsync(Classified.Article(0.9, story: story));
            await host.ClassifiedAsync(Classified.Article(0.9, story: story)); // Redelivered.
        }

        _receiver.Accepted.OrderBy(p => p.Key, StringComparer.Ordinal).ShouldBe(
        [
            new("sanctions-desk:s1", 1), new("sanctions-desk:s2", 1), new("sanctions-desk:s3", 1),
        ]);
        _receiver.Requests.Count(r => r.Number <= 4).ShouldBe(4);
        _receiver.Requests.ShouldAllBe(r => r.SignatureValid);
        (await host.Ledger.DeadLettersAsync(null, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_hanging_receiver_times_out_and_the_retry_delivers()
    {
        _receiver.Script = async (n, context) =>
        {
            if (n == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted); // Hangs until the sender gives up.
            }

            return null;
        };
        await using var host = await AlerterHost.StartAsync([Hooked()], webhook: o => o.AttemptTimeout = TimeSpan.FromMilliseconds(500));

        await host.ClassifiedAsync(Classified.Article(0.9));

        _receiver.Requests.Count.ShouldBe(2);
        _receiver.Accepted.ShouldBe([new("sanctions-desk:story-1", 1)]);
    }

    [Fact]
    public async Task Retry_After_is_honoured()
    {
        _receiver.Script = (n, context) =>
        {
            if (n > 1)
            {
                return Task.FromResult<IResult?>(null);
            }

            context.Response.Headers.RetryAfter = "1";
            return Task.FromResult<IResult?>(Results.StatusCode(429));
        };
        await using var host = await AlerterHost.StartAsync([Hooked()]); // Backoff alone would wait about 10 ms.

        await host.ClassifiedAsync(Classified.Article(0.9));

        var requests = _receiver.Requests.OrderBy(r => r.Number).ToList();
        requests.Count.ShouldBe(2);
        (requests[1].At - requests[0].At).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        _receiver.Accepted.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_client_error_is_not_retried_and_the_alert_is_dead_lettered()
    {
        _receiver.Script = (_, _) => Task.FromResult<IResult?>(Results.StatusCode(422));
        await using var host = await AlerterHost.StartAsync([Hooked()]);

        await host.ClassifiedAsync(Classified.Article(0.9));

        _receiver.Requests.Count.ShouldBe(1);
        (await host.Ledger.DeadLettersAsync(null, default)).ShouldHaveSingleItem().Reason.ShouldBe("rejected");
    }

    [Fact]
    public async Task Gone_410_disables_the_channel_logs_counts_and_announces_the_failure()
    {
        using var metrics = new MetricRecorder("wirewatch.alerts.channels_disabled", "wirewatch.alerts.delivered");
        _receiver.Script = (_, _) => Task.FromResult<IResult?>(Results.StatusCode(410));
        await using var host = await AlerterHost.StartAsync([Hooked()]);

        await host.ClassifiedAsync(Classified.Article(0.9, story: "s1"));
        await host.ClassifiedAsync(Classified.Article(0.9, story: "s2"));

        _receiver.Requests.Count.ShouldBe(1); // Nothing more is sent to a gone endpoint ...
        (await host.Ledger.IsChannelDisabledAsync($"webhook:{_receiver.Url.AbsoluteUri}", default)).ShouldBeTrue();
        (await host.Ledger.DeadLettersAsync(null, default)).Select(d => d.Reason).ShouldBe(["gone", "channel-disabled"]); // ... and nothing is lost.
        host.Logs.Lines.ShouldContain(l => l.StartsWith("Error: Channel", StringComparison.Ordinal) && l.Contains("disabled", StringComparison.Ordinal));
        metrics.Has("wirewatch.alerts.channels_disabled", ("channel", "webhook")).ShouldBeTrue();
        metrics.Has("wirewatch.alerts.delivered", ("channel", "webhook"), ("outcome", "disabled")).ShouldBeTrue();
        var failed = host.Harness.Published.Select<AlertDeliveryFailed>().Select(m => m.Context.Message).ToList();
        failed.Select(f => (f.AlertId, f.Reason, f.Channel)).ShouldBe([("sanctions-desk:s1", "gone", "webhook"), ("sanctions-desk:s2", "channel-disabled", "webhook")]);
        host.PublishedAlerts().Count.ShouldBe(2); // The bus channel is not affected.
    }

    [Fact]
    public async Task After_the_retry_budget_the_alert_is_dead_lettered_and_a_replay_delivers_it_once()
    {
        var up = false;
        _receiver.Script = (_, _) => Task.FromResult<IResult?>(Volatile.Read(ref up) ? null : Results.StatusCode(503));
        await using var host = await AlerterHost.StartAsync([Hooked()], webhook: o => o.Retries = 2);

        await host.ClassifiedAsync(Classified.Article(0.9));

        _receiver.Requests.Count.ShouldBe(3);
        host.Harness.Published.Select<AlertDeliveryFailed>().ShouldHaveSingleItem().Context.Message.Reason.ShouldBe("retries-exhausted");

        Volatile.Write(ref up, true);
        var replayer = host.Provider.GetRequiredService<AlertReplayer>();
        var replayed = await replayer.ReplayAsync(null, enableChannels: false, default);

        replayed.ShouldHaveSingleItem().Outcome.ShouldBe("delivered");
        (await replayer.ReplayAsync(null, enableChannels: false, default)).ShouldBeEmpty();
        _receiver.Accepted.ShouldBe([new("sanctions-desk:story-1", 1)]);
    }
}

/// <summary>Listens to the Wirewatch meter's instruments by name and keeps their tags.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Name, Dictionary<string, string?> Tags)> _seen = new();

    public MetricRecorder(params string[] names)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Wirewatch" && names.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            _seen.Enqueue((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()))));
        _listener.Start();
    }

    public bool Has(string name, params (string Key, string Value)[] tags) =>
        _seen.Any(m => m.Name == name && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value));

    public void Dispose() => _listener.Dispose();
}
