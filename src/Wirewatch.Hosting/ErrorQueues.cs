using System.Globalization;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Wirewatch.Hosting;

/// <summary>
/// What an operator does with <c>&lt;queue&gt;_error</c>, where MassTransit moves a message whose retries ran out:
/// look at the messages and why they failed (listing leaves them in place), and replay them into the queue they came
/// from once the cause is fixed. Plain AMQP, so it works on a broker whatever else runs there.
/// </summary>
public static class ErrorQueues
{
    public const string Suffix = "_error";

    /// <summary>The error queue of a consumer queue; an error queue's name is taken as given.</summary>
    public static string ErrorQueueOf(string queue) => queue.EndsWith(Suffix, StringComparison.Ordinal) ? queue : queue + Suffix;

    /// <summary>The queue a message in <paramref name="queue"/>'s error queue came from.</summary>
    public static string SourceQueueOf(string queue) => queue.EndsWith(Suffix, StringComparison.Ordinal) ? queue[..^Suffix.Length] : queue;

    /// <summary>
    /// The worker's own broker settings: the same nodes (the first that answers, for a cluster), credentials and TLS
    /// validation (<see cref="BrokerTls"/>).
    /// </summary>
    public static BrokerConnection ConnectionFactory(RabbitMqOptions options)
    {
        var nodes = BrokerNodes.Of(options);
        var factory = new ConnectionFactory
        {
            HostName = nodes[0].Host,
            Port = nodes[0].Port,
            VirtualHost = options.VirtualHost,
            UserName = options.Username,
            Password = options.Password,
            ClientProvidedName = "wirewatch-errors",
        };
        BrokerTls.For(options)?.Apply(factory.Ssl);
        return new BrokerConnection(factory, nodes);
    }

    /// <summary>Up to <paramref name="limit"/> messages of the error queue, oldest first; all of them stay in the queue.</summary>
    public static async Task<ErrorQueueListing> ListAsync(BrokerConnection broker, string queue, int limit, CancellationToken cancellationToken)
    {
        var errorQueue = ErrorQueueOf(queue);
        await using var connection = await ConnectAsync(broker, cancellationToken);
        var total = await CountAsync(connection, errorQueue, cancellationToken);
        var messages = new List<ErrorMessage>();
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            // Taken without acknowledgement and released when the channel closes: listing moves nothing.
            while (messages.Count < limit && await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is { } result)
            {
                messages.Add(Describe(result));
            }

            await channel.CloseAsync(cancellationToken);
        }

        return new ErrorQueueListing(errorQueue, total, messages);
    }

    /// <summary>
    /// Moves up to <paramref name="limit"/> messages from the error queue back into the queue they came from: each is
    /// published (confirmed by the broker) before it is removed, so a failure half-way loses nothing. Only the messages
    /// present at the start are moved, so one that fails again at once is not replayed twice in the same call.
    /// </summary>
    public static async Task<int> ReplayAsync(BrokerConnection broker, string queue, int limit, CancellationToken cancellationToken)
    {
        var errorQueue = ErrorQueueOf(queue);
        var target = SourceQueueOf(errorQueue);
        await using var connection = await ConnectAsync(broker, cancellationToken);
        var present = await CountAsync(connection, errorQueue, cancellationToken);
        await CountAsync(connection, target, cancellationToken); // The target must exist: a replay into nowhere is refused.
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);

        var replayed = 0;
        while (replayed < Math.Min(limit, present) && await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is { } result)
        {
            var properties = new BasicProperties(result.BasicProperties)
            {
                Headers = WithoutFaultHeaders(result.BasicProperties.Headers),
                DeliveryMode = DeliveryModes.Persistent,
            };
            await channel.BasicPublishAsync("", target, mandatory: true, properties, result.Body, cancellationToken);
            await channel.BasicAckAsync(result.DeliveryTag, multiple: false, cancellationToken);
            replayed++;
        }

        return replayed;
    }

    /// <summary>
    /// The client's own failure says only "none of the specified endpoints were reachable"; the reason (a refused
    /// login, an untrusted certificate, nothing listening) is deep inside it, so it is brought to the top.
    /// </summary>
    private static async Task<IConnection> ConnectAsync(BrokerConnection broker, CancellationToken cancellationToken)
    {
        var factory = broker.Factory;
        try
        {
            // Each node in turn, with the same TLS settings, until one accepts.
            return await factory.CreateConnectionAsync(broker.Nodes.Select(n => new AmqpTcpEndpoint(n.Host, n.Port, factory.Ssl)).ToList(), cancellationToken);
        }
        catch (BrokerUnreachableException e)
        {
            throw new IOException($"cannot connect to RabbitMQ at {string.Join(", ", broker.Nodes)}{(factory.Ssl.Enabled ? " (TLS)" : "")}: {Reason(e)}", e);
        }
    }

    private static string Reason(Exception e)
    {
        // The deepest TLS or login refusal is the reason (the TLS stack may wrap ours); otherwise the innermost failure.
        Exception innermost = e;
        Exception? refusal = null;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            innermost = inner;
            if (inner is System.Security.Authentication.AuthenticationException or AuthenticationFailureException)
            {
                refusal = inner;
            }
        }

        return (refusal ?? innermost).Message;
    }

    private static async Task<uint> CountAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            throw new WirewatchConfigurationException(
                $"Queue '{queue}' does not exist on {connection.Endpoint.HostName}:{connection.Endpoint.Port}. " +
                "Wirewatch's queues are wirewatch-cleaner, wirewatch-classifier and wirewatch-alerter (errors in <queue>_error).");
        }
    }

    private static Dictionary<string, object?> WithoutFaultHeaders(IDictionary<string, object?>? headers)
    {
        var kept = new Dictionary<string, object?>(StringComparer.Ordinal);
        var replays = 0;
        foreach (var (key, value) in headers ?? new Dictionary<string, object?>())
        {
            if (key == "wirewatch-replays")
            {
                replays = Convert.ToInt32(value, CultureInfo.InvariantCulture);
            }
            else if (!key.StartsWith("MT-Fault-", StringComparison.Ordinal) && key != "MT-Reason")
            {
                kept[key] = value;
            }
        }

        kept["wirewatch-replays"] = replays + 1;
        return kept;
    }

    private static ErrorMessage Describe(BasicGetResult result)
    {
        var headers = result.BasicProperties.Headers ?? new Dictionary<string, object?>();
        string? Header(string name) => headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        } : null;

        string? articleId = null;
        try
        {
            using var body = JsonDocument.Parse(result.Body);
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("articleId", out var id))
            {
                articleId = id.GetString();
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON is often why it is here; the exception header says so.
        }

        return new ErrorMessage(
            result.BasicProperties.MessageId,
            articleId,
            Header("MT-Fault-ExceptionType"),
            Header("MT-Fault-Message"),
            Header("MT-Reason"),
            Header("MT-Fault-Timestamp"),
            result.Body.Length);
    }
}

public sealed record ErrorQueueListing(string Queue, uint Total, IReadOnlyList<ErrorMessage> Messages);

/// <summary>One failed message: its ids, the exception MassTransit recorded, and its size.</summary>
public sealed record ErrorMessage(string? MessageId, string? ArticleId, string? ExceptionType, string? ExceptionMessage, string? Reason, string? FaultedAt, int Bytes);

/// <summary>How <c>wirewatch errors</c> reaches the broker: the client settings and the nodes to try, in order.</summary>
public sealed record BrokerConnection(ConnectionFactory Factory, IReadOnlyList<BrokerNode> Nodes);
