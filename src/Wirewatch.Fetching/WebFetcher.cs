using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Wirewatch.Fetching;

/// <summary>
/// Conditional GETs through the resilient HTTP client (retries, timeouts: see <see cref="FetcherRegistration"/>),
/// with a cap on the body size and charset-aware decoding.
/// </summary>
public sealed class WebFetcher(HttpClient http, IOptions<FetcherOptions> options)
{
    public async Task<WebResponse> GetAsync(Uri url, HttpValidators? validators, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (validators?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        if (validators?.LastModified is { } lastModified)
        {
            request.Headers.IfModifiedSince = lastModified;
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new FetchFailedException("network", $"GET {url} failed: {e.Message}", e);
        }
        catch (Exception e) when (e is TimeoutException or Polly.Timeout.TimeoutRejectedException
                                   || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new FetchFailedException("timeout", $"GET {url} timed out.", e);
        }

        using (response)
        {
            var received = new HttpValidators(response.Headers.ETag?.ToString(), response.Content.Headers.LastModified);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new WebResponse(304, true, null, "", null, validators ?? received, url);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new FetchFailedException($"http-{(int)response.StatusCode}", $"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            var bytes = await ReadCappedAsync(response.Content, options.Value.MaxBytes, url, cancellationToken);
            var (text, charset) = TextDecoding.Decode(bytes, response.Content.Headers.ContentType?.CharSet);
            return new WebResponse(
                (int)response.StatusCode,
                false,
                text,
                response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream",
                charset,
                received,
                response.RequestMessage?.RequestUri ?? url);
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, long maxBytes, Uri url, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            throw new FetchFailedException("too-large", $"GET {url}: body of {content.Headers.ContentLength} bytes is over the cap of {maxBytes}.");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new FetchFailedException("too-large", $"GET {url}: body is over the cap of {maxBytes} bytes (after decompression).");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

public sealed record WebResponse(
    int Status,
    bool NotModified,
    string? Text,
    string ContentType,
    string? Charset,
    HttpValidators Validators,
    Uri FinalUrl);
