using System.Text.Json;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Channels;

/// <summary>
/// POSTs the alert, signed as Standard Webhooks says, with <c>webhook-id</c> = the alert id so receivers de-duplicate.
/// The body is the Standard Webhooks envelope (<c>type</c>, <c>timestamp</c>, <c>data</c>) or, with
/// <c>"body": "bare"</c> (the default, what receivers got before the envelope existed), the alert or digest alone.
/// The POST itself, its retries and what the answer means are <see cref="WebhookPoster"/>'s.
/// </summary>
public sealed class WebhookAlertChannel(WebhookPoster poster, TimeProvider time) : IAlertChannel
{
    public const string HttpClientName = WebhookPoster.HttpClientName;

    /// <summary>Sent with either body, so a receiver of bare bodies can tell an update or a digest from an alert too.</summary>
    public const string EventTypeHeader = "wirewatch-event-type";

    public string Type => ChannelTypes.Webhook;

    public Task<ChannelResult> DeliverAsync(AlertRaised alert, ChannelDefinition channel, CancellationToken cancellationToken) =>
        PostAsync(alert.AlertId, alert.IsUpdate ? WebhookEventTypes.AlertUpdated : WebhookEventTypes.AlertRaised, alert, channel, cancellationToken);

    public Task<ChannelResult> DeliverDigestAsync(AlertDigest digest, ChannelDefinition channel, CancellationToken cancellationToken) =>
        PostAsync(digest.DigestId, WebhookEventTypes.AlertDigest, digest, channel, cancellationToken);

    private Task<ChannelResult> PostAsync<T>(string id, string type, T data, ChannelDefinition channel, CancellationToken cancellationToken)
    {
        // One instant for the signature's timestamp and the envelope's: retries resend this very request.
        var now = time.GetUtcNow();
        var body = channel.Body == WebhookBodies.Bare
            ? JsonSerializer.SerializeToUtf8Bytes(data, WireJson.Options)
            : JsonSerializer.SerializeToUtf8Bytes(new WebhookEnvelope<T>(type, now.UtcDateTime, data), WireJson.Options);
        var timestamp = now.ToUnixTimeSeconds();
        return poster.PostAsync(channel.Url!, channel.Endpoint, body,
        [
            new(WebhookSignature.IdHeader, id),
            new(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(WebhookSignature.SignatureHeader, WebhookSignature.Sign(WebhookSecrets.Resolve(channel), id, timestamp, body)),
            new(EventTypeHeader, type),
        ], cancellationToken);
    }
}

/// <summary>The Standard Webhooks envelope: what happened, when the delivery was made, and the alert or digest.</summary>
public sealed record WebhookEnvelope<T>(string Type, DateTime Timestamp, T Data);

/// <summary>The <c>type</c> of a webhook envelope (and the <c>wirewatch-event-type</c> header).</summary>
public static class WebhookEventTypes
{
    public const string AlertRaised = "alert.raised";
    public const string AlertUpdated = "alert.updated";
    public const string AlertDigest = "alert.digest";
}

/// <summary>The <c>body</c> of a webhook channel.</summary>
public static class WebhookBodies
{
    /// <summary>The alert (or digest) JSON alone, as before the envelope: the default, so existing receivers keep working.</summary>
    public const string Bare = "bare";

    /// <summary>The Standard Webhooks envelope <c>{"type","timestamp","data"}</c>.</summary>
    public const string Envelope = "envelope";
}

/// <summary><c>Wirewatch:Alerts:Webhook</c>: the Polly pipeline around every webhook POST.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Wirewatch:Alerts:Webhook";

    /// <summary>Retries after the first attempt, for 5xx, 408, 429, timeouts and network errors (never other 4xx).</summary>
    public int Retries { get; set; } = 5;

    /// <summary>First backoff; it doubles each retry, with jitter. A <c>Retry-After</c> header wins.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The whole budget of one delivery, retries included; then the alert is dead-lettered.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Per endpoint (scheme, host and port): the circuit opens when this share of calls failed ...</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>... among at least this many calls in <see cref="BreakerSamplingDuration"/> ...</summary>
    public int BreakerMinimumThroughput { get; set; } = 20;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>... and stays open this long.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
