using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Wirewatch.Alerting.Channels;

/// <summary>
/// One POST of a ready body through the <see cref="HttpClientName"/> client, whose Polly pipeline (retries, timeouts, a
/// circuit breaker per endpoint; see <see cref="AlerterRegistration"/>) every HTTP channel shares: webhook, Slack and
/// Teams. Turns the final answer into a <see cref="ChannelResult"/>: 2xx delivered, 410 gone (the channel is disabled),
/// anything else dead-lettered.
/// </summary>
public sealed class WebhookPoster(IHttpClientFactory clients, ILogger<WebhookPoster> log)
{
    public const string HttpClientName = "wirewatch-webhook";

    /// <param name="endpoint">What logs may say about the endpoint (never a secret URL).</param>
    public async Task<ChannelResult> PostAsync(
        string url, string endpoint, byte[] body, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

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
            log.LogWarning("HTTP channel {Endpoint}: circuit open, not calling it ({Message})", endpoint, e.Message);
            return ChannelResult.Failed("circuit-open", e.Message);
        }
        catch (Exception e) when (e is TimeoutRejectedException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ChannelResult.Failed("retries-exhausted", $"{e.GetType().Name}: {e.Message}");
        }
    }
}
