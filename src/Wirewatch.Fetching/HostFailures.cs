using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Wirewatch.Fetching;

/// <summary>
/// The last underlying failure of each host (a name that does not resolve, a refused connection, TLS, a timeout, an
/// HTTP status the breaker counts), recorded under the Polly pipeline, attempt by attempt. When a host's circuit is
/// open, the error names this first cause instead of hiding it behind <c>circuit-open</c>.
/// </summary>
public sealed class HostFailures
{
    private readonly ConcurrentDictionary<string, string> _last = new(StringComparer.OrdinalIgnoreCase);

    public string? LastFor(Uri url) => _last.TryGetValue(url.GetLeftPart(UriPartial.Authority), out var failure) ? failure : null;

    public void Record(Uri url, string reason, string detail) => _last[url.GetLeftPart(UriPartial.Authority)] = $"{reason}: {detail}";

    /// <summary>
    /// A reason code per cause: <c>dns</c>, <c>connection-refused</c>, <c>tls</c>, <c>timeout</c>, <c>network</c>
    /// (any other transport failure), <c>private-address</c>, <c>circuit-open</c>; null for what is not a fetch failure.
    /// </summary>
    public static string? Classify(Exception e) => e switch
    {
        _ when AddressGuard.IsRefusal(e) => "private-address",
        BrokenCircuitException => "circuit-open",
        TimeoutRejectedException or TimeoutException or OperationCanceledException => "timeout",
        HttpRequestException h => h.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "dns",
            HttpRequestError.SecureConnectionError => "tls",
            _ when Find<SocketException>(h) is { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "dns",
            _ when Find<SocketException>(h) is { SocketErrorCode: SocketError.ConnectionRefused } => "connection-refused",
            _ when Find<AuthenticationException>(h) is not null => "tls",
            _ => "network",
        },
        _ => null,
    };

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}

/// <summary>Sits under the resilience handler and records every failed attempt in <see cref="HostFailures"/>.</summary>
internal sealed class HostFailureRecorder(HostFailures failures) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            {
                failures.Record(request.RequestUri!, $"http-{status}", $"answered {status} {response.ReasonPhrase}");
            }

            return response;
        }
        catch (Exception e) when (HostFailures.Classify(e) is { } reason and not "circuit-open")
        {
            failures.Record(request.RequestUri!, reason, reason == "timeout" ? "timed out" : e.Message);
            throw;
        }
    }
}
