using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using Wirewatch.Alerting.Channels;
using Wirewatch.Tests.Shared.Http;
using Wirewatch.Tests.Shared.Schemas;

namespace Wirewatch.Alerting.Tests;

/// <summary>
/// Webhook deliveries checked by an implementation that is not ours: the StandardWebhooks package (the reference
/// .NET library of the specification), fed the request exactly as our loopback receiver got it.
/// </summary>
public sealed class StandardWebhooksTests : IAsyncLifetime
{
    private readonly WebhookSecret _secret = WebhookSecret.Create();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(_secret.Key);

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private Subscription Hooked(string body, ThrottleDefinition? throttle = null) => Classified.Sanctions(
        new ChannelDefinition { Type = ChannelTypes.Webhook, Url = _receiver.Url.AbsoluteUri, SecretEnv = _secret.EnvName, Body = body }) with { Throttle = throttle };

    private StandardWebhook Verifier => new(_secret.Value);

    [Fact]
    public async Task An_alert_and_its_update_arrive_in_the_envelope_and_verify_with_the_reference_library()
    {
        await using var host = await AlerterHost.StartAsync([Hooked(WebhookBodies.Envelope)]);

        await host.ClassifiedAsync(Classified.Article(0.75));
        await host.ClassifiedAsync(Classified.Article(0.9, version: 2)); // Now high: an update.

        var requests = _receiver.Requests.OrderBy(r => r.Number).ToList();
        requests.Count.ShouldBe(2);
        foreach (var request in requests)
        {
            Should.NotThrow(() => Verifier.Verify(request.Body, request.Headers), $"request {request.Number}");
        }

        using var first = JsonDocument.Parse(requests[0].Body);
        using var update = JsonDocument.Parse(requests[1].Body);
        first.RootElement.GetProperty("type").GetString().ShouldBe("alert.raised");
        update.RootElement.GetProperty("type").GetString().ShouldBe("alert.updated");
        requests[1].Headers[WebhookAlertChannel.EventTypeHeader].ToString().ShouldBe("alert.updated");
        DateTimeOffset.Parse(first.RootElement.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds()
            .ShouldBe(long.Parse(requests[0].Timestamp, System.Globalization.CultureInfo.InvariantCulture), "the envelope's timestamp is the signed one");
        first.RootElement.GetProperty("timestamp").GetString().ShouldEndWith("Z");
        var data = first.RootElement.GetProperty("data").GetRawText();
        WireSchemas.Errors("alert-raised.schema.json", data).ShouldBeEmpty();
        update.RootElement.GetProperty("data").GetProperty("updatesAlertId").GetString().ShouldBe(requests[0].Id);
    }

    [Fact]
    public async Task A_digest_is_typed_alert_digest_and_its_data_validates_against_the_digest_schema()
    {
        await using var host = await AlerterHost.StartAsync([Hooked(WebhookBodies.Envelope, new ThrottleDefinition { MaxPerHour = 1, DigestAfter = 2 })]);

        foreach (var story in new[] { "s1", "s2", "s3" })
        {
            await host.ClassifiedAsync(Classified.Article(0.9, story: story));
        }

        var digest = _receiver.Requests.Single(r => r.Number == 2);
        Should.NotThrow(() => Verifier.Verify(digest.Body, digest.Headers));
        using var json = JsonDocument.Parse(digest.Body);
        json.RootElement.GetProperty("type").GetString().ShouldBe("alert.digest");
        WireSchemas.Errors("alert-digest.schema.json", json.RootElement.GetProperty("data").GetRawText()).ShouldBeEmpty();
        json.RootElement.GetProperty("data").GetProperty("alerts").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task The_bare_body_is_the_alert_alone_and_verifies_too()
    {
        await using var host = await AlerterHost.StartAsync([Hooked(WebhookBodies.Bare)]);

        await host.ClassifiedAsync(Classified.Article(0.9));

        var request = _receiver.Requests.ShouldHaveSingleItem();
        Should.NotThrow(() => Verifier.Verify(request.Body, request.Headers));
        WireSchemas.Errors("alert-raised.schema.json", request.Body).ShouldBeEmpty();
        request.Headers[WebhookAlertChannel.EventTypeHeader].ToString().ShouldBe("alert.raised");
    }

    [Fact]
    public async Task A_tampered_body_fails_the_reference_verifier()
    {
        await using var host = await AlerterHost.StartAsync([Hooked(WebhookBodies.Envelope)]);
        await host.ClassifiedAsync(Classified.Article(0.9));
        var request = _receiver.Requests.ShouldHaveSingleItem();

        var tampered = request.Body.Replace("\"severity\":\"high\"", "\"severity\":\"low\"", StringComparison.Ordinal);

        tampered.ShouldNotBe(request.Body);
        Should.Throw<WebhookVerificationException>(() => Verifier.Verify(tampered, request.Headers));
        Should.NotThrow(() => Verifier.Verify(request.Body, request.Headers));
    }

    [Fact]
    public async Task A_request_replayed_outside_the_tolerance_window_is_rejected_by_the_reference_verifier()
    {
        // Signed ten minutes ago (the alerter's clock), received now: what a captured request replayed later looks like.
        // The verifier judges by the real clock, and its window is five minutes either way.
        var signedAt = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddMinutes(-10));
        await using (var host = await AlerterHost.StartAsync([Hooked(WebhookBodies.Envelope)], time: signedAt))
        {
            await host.ClassifiedAsync(Classified.Article(0.9));
        }

        var replayed = _receiver.Requests.ShouldHaveSingleItem();
        replayed.SignatureValid.ShouldBeTrue("the signature itself is right: only its age is wrong");
        Should.Throw<WebhookVerificationException>(() => Verifier.Verify(replayed.Body, replayed.Headers));

        // The same delivery made a minute ago is inside the window.
        var recent = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddMinutes(-1));
        await using (var host = await AlerterHost.StartAsync([Hooked(WebhookBodies.Envelope)], time: recent))
        {
            await host.ClassifiedAsync(Classified.Article(0.9, story: "story-2"));
        }

        var fresh = _receiver.Requests.Single(r => r.Number == 2);
        Should.NotThrow(() => Verifier.Verify(fresh.Body, fresh.Headers));
    }
}
