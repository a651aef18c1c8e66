using System.Text;
using RabbitMQ.Client;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// What a downstream service written in anything but .NET does: a plain AMQP client (RabbitMQ.Client, no MassTransit)
/// that binds its own queues to Wirewatch's exchanges and publishes plain JSON into them.
/// </summary>
public sealed class AmqpProbe : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private AmqpProbe(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<AmqpProbe> ConnectAsync(RabbitMqNode node, string virtualHost)
    {
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1",
            Port = node.AmqpPort,
            VirtualHost = virtualHost,
            UserName = "guest",
            Password = "guest",
            ClientProvidedName = "wirewatch-integration-probe",
        };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new AmqpProbe(connection, channel);
    }

    /// <summary>Declares the exchange as the documentation describes it (durable); a mismatch with Wirewatch's own declaration fails here.</summary>
    public Task DeclareExchangeAsync(string exchange, string type) =>
        _channel.ExchangeDeclareAsync(exchange, type, durable: true, autoDelete: false,
            // wirewatch.alerts carries its alternate exchange: a declaration without it would be refused (PRECONDITION_FAILED).
            exchange == WireNames.AlertsExchange ? new Dictionary<string, object?> { ["alternate-exchange"] = WireNames.AlertsUnroutedExchange } : null);

    /// <summary>A private, exclusive, server-named queue bound to <paramref name="exchange"/> with <paramref name="bindingKey"/>.</summary>
    public async Task<string> BindPrivateQueueAsync(string exchange, string bindingKey)
    {
        var queue = await _channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        await _channel.QueueBindAsync(queue.QueueName, exchange, bindingKey);
        return queue.QueueName;
    }

    /// <summary>A private queue bound with binding arguments, as a headers exchange needs (e.g. <c>x-match</c>).</summary>
    public async Task<string> BindPrivateQueueAsync(string exchange, IDictionary<string, object?> arguments)
    {
        var queue = await _channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        await _channel.QueueBindAsync(queue.QueueName, exchange, "", arguments);
        return queue.QueueName;
    }

    /// <summary>A durable, named queue bound to <paramref name="exchange"/>: it keeps its persistent messages through a broker restart.</summary>
    public async Task<string> BindDurableQueueAsync(string exchange, string bindingKey)
    {
        var queue = await _channel.QueueDeclareAsync(queue: $"probe-{Guid.NewGuid():N}", durable: true, exclusive: false, autoDelete: false);
        await _channel.QueueBindAsync(queue.QueueName, exchange, bindingKey);
        return queue.QueueName;
    }

    /// <summary>Takes the next message of the queue, or null when the queue is empty right now.</summary>
    public async Task<ReceivedMessage?> TryGetAsync(string queue)
    {
        var result = await _channel.BasicGetAsync(queue, autoAck: true);
        return result is null
            ? null
            : new ReceivedMessage(result.Exchange, result.RoutingKey, result.BasicProperties.ContentType, result.Body.ToArray())
            {
                MessageId = result.BasicProperties.MessageId,
                Headers = result.BasicProperties.Headers?.ToDictionary(h => h.Key, h => h.Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : h.Value)
                    ?? new Dictionary<string, object?>(),
                Persistent = result.BasicProperties.Persistent,
            };
    }

    /// <summary>Polls the queue until a message arrives; fails the test at the deadline.</summary>
    public async Task<ReceivedMessage> GetAsync(string queue, TimeSpan timeout, string what)
    {
        ReceivedMessage? message = null;
        await Eventually.True(async () => (message = await TryGetAsync(queue)) is not null, $"a message on {what}", timeout);
        return message!;
    }

    /// <summary>Publishes a JSON body as a non-.NET producer would: content type, persistence, a message id, nothing else.</summary>
    public async Task PublishJsonAsync(string exchange, string routingKey, string json)
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
        };
        await _channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, Encoding.UTF8.GetBytes(json));
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _channel.DisposeAsync();
        await _connection.CloseAsync();
        await _connection.DisposeAsync();
    }
}

public sealed record ReceivedMessage(string Exchange, string RoutingKey, string? ContentType, byte[] Body)
{
    /// <summary>The AMQP <c>message-id</c> property.</summary>
    public string? MessageId { get; init; }

    /// <summary>The AMQP headers, AMQP strings decoded as UTF-8.</summary>
    public IReadOnlyDictionary<string, object?> Headers { get; init; } = new Dictionary<string, object?>();

    public bool Persistent { get; init; }

    public string Text => Encoding.UTF8.GetString(Body);
}
