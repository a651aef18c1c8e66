using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Wirewatch.Fetching;

/// <summary>
/// Conditional GETs, politely and safely: robots.txt obeyed (cached per host in the state store), one request per host
/// per interval, redirects followed by hand up to a cap, each hop through the client its host deserves (the public-only
/// client refuses private addresses at connect time), a cap on the decompressed body, text only, charset-aware decoding.
/// Retries, timeouts and the per-host circuit breaker are the HTTP clients' Polly pipeline (<see cref="FetcherRegistration"/>).
/// </summary>
public sealed class WebFetcher(
    IHttpClientFactory clients,
    HostPacer pacer,
    ISeenStore store,
    HostFailures hostFailures,
    TimeProvider time,
    IOptions<FetcherOptions> options,
    FetchTelemetry telemetry,
    ILogger<WebFetcher> log)
{
    /// <summary>A robots.txt larger than this is read only this far (RFC 9309 allows 500 KiB).</summary>
    private const int RobotsMaxBytes = 500 * 1024;

    private readonly ConcurrentDictionary<string, (RobotsTxt Rules, DateTimeOffset FetchedAt)> _robots = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="listing">A feed or listing: any content type whose body turns out to be markup or JSON is read
    /// (feeds are served as <c>application/octet-stream</c> too), and bytes no charset claims fall back to windows-1252
    /// as feedparser does, instead of being refused.</param>
    /// <param name="markupUnderAnyType">An <c>auto</c> source, which may be a feed: markup or JSON under any content type
    /// is read, as for a listing, but bytes no charset claims are refused as for a page.</param>
    public async Task<WebResponse> GetAsync(Uri url, HttpValidators? validators, FetchPolicy policy, CancellationToken cancellationToken, bool listing = false,
        bool markupUnderAnyType = false)
    {
        var (response, finalUrl) = await SendAsync(url, validators, policy, obeyRobots: true, cancellationToken);
        using (response)
        {
            var received = new HttpValidators(response.Headers.ETag?.ToString(), response.Content.Headers.LastModified);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new WebResponse(304, true, null, "", null, validators ?? received, finalUrl);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new FetchFailedException($"http-{(int)response.StatusCode}", $"GET {finalUrl} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is not null && !IsText(mediaType) && !listing && !markupUnderAnyType)
            {
                throw new FetchFailedException("not-text", $"GET {finalUrl} returned {mediaType}, not a page or a feed.");
            }

            // The pipeline's timeouts end when the headers arrive; a body that trickles or stalls has its own deadline.
            byte[] bytes;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(options.Value.TotalTimeout);
                try
                {
                    bytes = await ReadCappedAsync(response.Content, policy.MaxBytes, finalUrl, deadline.Token);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new FetchFailedException("timeout", $"GET {finalUrl}: the body did not arrive within {options.Value.TotalTimeout}.", e);
                }
                catch (Exception e) when (e is IOException or HttpRequestException or InvalidDataException)
                {
                    throw new FetchFailedException("network", $"GET {finalUrl}: reading the body failed: {e.Message}", e);
                }
            }

            var declaredText = mediaType is not null && IsText(mediaType);
            if (!declaredText && TextDecoding.Unicode(bytes) is null
                && (mediaType is not null ? !LooksLikeMarkup(bytes) : bytes.AsSpan(0, Math.Min(bytes.Length, 1024)).Contains((byte)0)))
            {
                throw new FetchFailedException("not-text", mediaType is null
                    ? $"GET {finalUrl} returned binary content without a content type."
                    : $"GET {finalUrl} returned {mediaType}, not a page or a feed.");
            }

            string text, charset;
            try
            {
                (text, charset) = TextDecoding.Decode(bytes, response.Content.Headers.ContentType?.CharSet, policy.Encoding, listing ? "windows-1252" : null);
            }
            catch (FetchFailedException e)
            {
                // An auto source's body that is a feed falls back to windows-1252 as any feed does; a page is still refused.
                var asFeed = markupUnderAnyType ? TextDecoding.Decode(bytes, response.Content.Headers.ContentType?.CharSet, policy.Encoding, "windows-1252") : default;
                if (asFeed.Text is null || !FeedParser.LooksLikeFeed(asFeed.Text))
                {
                    throw new FetchFailedException(e.Reason, $"GET {finalUrl}: {e.Message}", e);
                }

                (text, charset) = asFeed;
            }

            return new WebResponse((int)response.StatusCode, false, text, mediaType ?? "text/html", charset, received, finalUrl);
        }
    }

    /// <summary>Follows redirects by hand so that every hop is checked: scheme, robots, private addresses, the cap.</summary>
    private async Task<(HttpResponseMessage Response, Uri FinalUrl)> SendAsync(
        Uri url, HttpValidators? validators, FetchPolicy policy, bool obeyRobots, CancellationToken cancellationToken)
    {
        var current = url;
        for (var hop = 0; ; hop++)
        {
            if (current.Scheme != Uri.UriSchemeHttp && current.Scheme != Uri.UriSchemeHttps)
            {
                throw new FetchFailedException("unsupported-scheme", $"{current} is not http(s).");
            }

            var interval = policy.MinInterval;
            if (obeyRobots && options.Value.RespectRobotsTxt)
            {
                var robots = await RobotsForAsync(current, policy, cancellationToken);
                if (!robots.Allows(current))
                {
                    throw new FetchFailedException("robots-disallowed", $"{current} is disallowed by {current.GetLeftPart(UriPartial.Authority)}/robots.txt.");
                }

                if (robots.CrawlDelay is { } delay && delay > interval)
                {
                    interval = delay;
                }
            }

            if (options.Value.PaceLoopback || !current.IsLoopback)
            {
                await pacer.WaitTurnAsync(current.Authority, interval, cancellationToken);
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (validators?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            if (validators?.LastModified is { } lastModified)
            {
                request.Headers.IfModifiedSince = lastModified;
            }

            var client = clients.CreateClient(policy.MayReachPrivate(current) ? FetcherRegistration.TrustedClient : FetcherRegistration.PublicClient);
            var started = Stopwatch.GetTimestamp();
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && HostFailures.Classify(e) is { } reason)
            {
                telemetry.Requests.Add(1, new("source", policy.SourceId), new("status", reason));
                var message = Describe(reason, e);
                if (reason == "circuit-open" && hostFailures.LastFor(current) is { } cause)
                {
                    message += $" The last failure was {cause}";
                }

                throw new FetchFailedException(reason, $"GET {current}: {message}", e);
            }

            telemetry.Requests.Add(1, new("source", policy.SourceId), new("status", ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            telemetry.RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("source", policy.SourceId));
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hop >= options.Value.MaxRedirects)
                {
                    throw new FetchFailedException("too-many-redirects", $"GET {url}: more than {options.Value.MaxRedirects} redirects (last to {location}).");
                }

                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                continue;
            }

            return (response, current);
        }
    }

    /// <summary>The host's robots.txt: from memory, else from the state store while fresh, else fetched (and stored).</summary>
    private async Task<RobotsTxt> RobotsForAsync(Uri url, FetchPolicy policy, CancellationToken cancellationToken)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        var now = time.GetUtcNow();
        var ttl = options.Value.RobotsCacheDuration;
        if (_robots.TryGetValue(origin, out var cached) && now - cached.FetchedAt < ttl)
        {
            return cached.Rules;
        }

        var stored = await store.GetRobotsAsync(origin, cancellationToken);
        if (stored is null || now - stored.FetchedAt >= ttl)
        {
            var body = await FetchRobotsAsync(new Uri(origin + "/robots.txt"), policy, cancellationToken);
            if (body is null)
            {
                return RobotsTxt.AllowAll; // Unreachable right now: not cached, asked again next time.
            }

            stored = new StoredRobots(origin, body, now);
            await store.SaveRobotsAsync(stored, cancellationToken);
        }

        var rules = RobotsTxt.Parse(stored.Body, options.Value.UserAgent.Split('/')[0]);
        _robots[origin] = (rules, stored.FetchedAt);
        return rules;
    }

    /// <summary>The body of robots.txt; empty when there is none (4xx: everything allowed); null when the host failed.</summary>
    private async Task<string?> FetchRobotsAsync(Uri robotsUrl, FetchPolicy policy, CancellationToken cancellationToken)
    {
        try
        {
            var (response, _) = await SendAsync(robotsUrl, null, policy, obeyRobots: false, cancellationToken);
            using (response)
            {
                if ((int)response.StatusCode is >= 400 and < 500)
                {
                    return "";
                }

                if (!response.IsSuccessStatusCode)
                {
                    return null;
                }

                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                var buffer = new byte[RobotsMaxBytes];
                var length = await stream.ReadAtLeastAsync(buffer, RobotsMaxBytes, throwOnEndOfStream: false, cancellationToken);
                return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
            }
        }
        catch (FetchFailedException e) when (e.Reason is not "private-address")
        {
            log.LogWarning("Source {SourceId}: {Url} could not be read ({Reason}); allowing for now", policy.SourceId, robotsUrl, e.Reason);
            return null;
        }
    }

    private static string Describe(string reason, Exception e) => reason switch
    {
        "private-address" => FindRefusal(e),
        "circuit-open" => "the host failed too often recently; its circuit is open.",
        "timeout" => "timed out.",
        "dns" => $"the name does not resolve ({e.Message})",
        "connection-refused" => $"the connection was refused ({e.Message})",
        "tls" => $"the TLS handshake failed ({e.InnerException?.Message ?? e.Message})",
        _ => e.Message,
    };

    private static string FindRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PrivateAddressException)
            {
                return e.Message;
            }
        }

        return "refused.";
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>Pages and feeds: text/*, XML and XHTML, JSON (JSON Feed's application/feed+json). Images, PDFs, archives are not articles.</summary>
    private static bool IsText(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("xml", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("+xml", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>A body that starts (after a UTF-8 BOM and whitespace) with <c>&lt;</c> or <c>{</c>: a feed under a wrong content type.</summary>
    private static bool LooksLikeMarkup(ReadOnlySpan<byte> bytes)
    {
        var head = bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;
        head = head.TrimStart(" \t\r\n"u8);
        return !head.IsEmpty && head[0] is (byte)'<' or (byte)'{' && !head[..Math.Min(head.Length, 1024)].Contains((byte)0);
    }

    /// <summary>Counts the bytes AFTER decompression: a small gzip bomb is stopped at the cap, not at its inflated size.</summary>
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
