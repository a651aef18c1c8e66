using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Channels;

/// <summary>
/// POSTs the alert JSON, signed as Standard Webhooks says, with <c>webhook-id</c> = the alert id so receivers
/// de-duplicate. Retries, timeouts and the per-endpoint circuit breaker live in the <see cref="HttpClientName"/>
/// client's Polly pipeline (see <see cref="AlerterRegistration"/>); this class decides what the final answer means.
/// </summary>
public sealed class WebhookAlertChannel(IHttpClientFactory clients, TimeProvider time, ILogger<WebhookAlertChannel> log) : IAlertChannel
{
    public const string HttpClientName = "wirewatch-webhook";

    public string Type => ChannelTypes.Webhook;

    public Task<ChannelResult> DeliverAsync(AlertRaised alert, ChannelDefinition channel, CancellationToken cancellationToken) =>
        PostAsync(alert.AlertId, JsonSerializer.SerializeToUtf8Bytes(alert, WireJson.Options), channel, cancellationToken);

    public Task<ChannelResult> DeliverDigestAsync(AlertDigest digest, ChannelDefinition channel, CancellationToken cancellationToken) =>
        PostAsync(digest.DigestId, JsonSerializer.SerializeToUtf8Bytes(digest, WireJson.Options), channel, cancellationToken);

    private async Task<ChannelResult> PostAsync(string id, byte[] body, ChannelDefinition channel, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.IdHeader, id);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(WebhookSecrets.Resolve(channel), id, timestamp, body));

        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return ChannelResult.Delivered;
            }

            if (response.StatusCode == HttpStatusCode.Gone)
            {
                return ChannelResult.Failed("gone", "HTTP 410 Gone: the receiver says this endpoint is gone", disableChannel: true);
            }

            return status is >= 500 or 408 or 429
                ? ChannelResult.Failed("retries-exhausted", $"HTTP {status} after every retry")
                : ChannelResult.Failed("rejected", $"HTTP {status}: the receiver refused the alert");
        }
        catch (BrokenCircuitException e)
        {
            log.LogWarning("Webhook {Url}: circuit open, not calling it ({Message})", channel.Url, e.Message);
            return ChannelResult.Failed("circuit-open", e.Message);
        }
        catch (Exception e) when (e is TimeoutRejectedException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ChannelResult.Failed("retries-exhausted", $"{e.GetType().Name}: {e.Message}");
        }
    }
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
