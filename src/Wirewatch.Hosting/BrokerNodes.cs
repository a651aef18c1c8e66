using System.Globalization;

namespace Wirewatch.Hosting;

/// <summary>One RabbitMQ node the workers may connect to.</summary>
public sealed record BrokerNode(string Host, int Port)
{
    /// <summary><c>host:port</c>, IPv6 addresses in brackets: the form MassTransit's cluster configuration takes.</summary>
    public override string ToString() =>
        (Host.Contains(':', StringComparison.Ordinal) && !Host.StartsWith('[') ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The broker nodes from <c>Wirewatch:RabbitMq:Hosts</c> (a comma-separated <c>host[:port]</c> list, for a cluster) or,
/// when it is unset, the single <c>Host</c> and <c>Port</c>. A node without a port uses <c>Port</c>.
/// </summary>
public static class BrokerNodes
{
    /// <summary>The nodes in the order given; throws <see cref="WirewatchConfigurationException"/> on an entry that cannot be used.</summary>
    public static IReadOnlyList<BrokerNode> Of(RabbitMqOptions options)
    {
        var failures = new List<string>();
        var nodes = Parse(options, failures);
        return failures.Count == 0 ? nodes : throw new WirewatchConfigurationException(string.Join(Environment.NewLine, failures));
    }

    /// <summary>The nodes that parse; a message naming the key for each entry that does not.</summary>
    public static IReadOnlyList<BrokerNode> Parse(RabbitMqOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.Hosts))
        {
            return [new BrokerNode(options.Host, options.Port)];
        }

        var nodes = new List<BrokerNode>();
        foreach (var entry in options.Hosts.Split(',', StringSplitOptions.TrimEntries))
        {
            if (TryParse(entry, options.Port, out var node))
            {
                if (!nodes.Contains(node))
                {
                    nodes.Add(node);
                }
            }
            else
            {
                failures.Add($"Wirewatch:RabbitMq:Hosts: '{entry}' is not host[:port] with a port between 1 and 65535 (the list is comma-separated, e.g. 'rabbit-0:5672,rabbit-1:5672').");
            }
        }

        return nodes;
    }

    private static bool TryParse(string entry, int defaultPort, out BrokerNode node)
    {
        node = null!;
        if (entry.Length == 0)
        {
            return false;
        }

        string host;
        string? port = null;
        if (entry.StartsWith('['))
        {
            // [::1] or [::1]:5672
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close < 2)
            {
                return false;
            }

            host = entry[1..close];
            var rest = entry[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    return false;
                }

                port = rest[1..];
            }
        }
        else
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && entry.IndexOf(':', colon + 1) >= 0)
            {
                return false; // A bare IPv6 address: its port would be ambiguous, so brackets are required.
            }

            host = colon < 0 ? entry : entry[..colon];
            port = colon < 0 ? null : entry[(colon + 1)..];
        }

        var number = defaultPort;
        if (host.Length == 0 || host.Any(char.IsWhiteSpace)
            || (port is not null && !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number))
            || number is < 1 or > 65535)
        {
            return false;
        }

        node = new BrokerNode(host, number);
        return true;
    }
}
