using System.Net;
using System.Net.Sockets;

namespace Wirewatch.Fetching;

/// <summary>
/// Refuses connections to private, loopback, link-local (cloud metadata) and other non-public addresses. It checks the
/// address the host name RESOLVED to, at connect time, for every hop of a redirect chain: a public name that resolves
/// (or re-resolves) to 127.0.0.1 is refused all the same. Used as the <see cref="SocketsHttpHandler.ConnectCallback"/>
/// of the public-only HTTP client.
/// </summary>
public static class AddressGuard
{
    public static async ValueTask<Stream> ConnectPublicOnlyAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => !IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new PrivateAddressException(
                $"{host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}, a private or local address; " +
                "only the source's own host, or a source with 'allowPrivate', may reach it.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127,      // carrier-grade NAT
                169 => b[1] == 254,                    // link-local, cloud metadata (169.254.169.254)
                172 => b[1] is >= 16 and <= 31,
                192 => b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2), // private, IETF protocol, TEST-NET-1
                198 => b[1] is 18 or 19,               // benchmarking
                >= 224 => true,                        // multicast and reserved
                _ => false,
            };
        }

        var bytes = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
               || (bytes[0] & 0xFE) == 0xFC; // unique local fc00::/7
    }

    /// <summary>Whether an exception (as wrapped by HttpClient and Polly) is a refusal by this guard.</summary>
    public static bool IsRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PrivateAddressException)
            {
                return true;
            }
        }

        return false;
    }
}

public sealed class PrivateAddressException(string message) : Exception(message);
