using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Wirewatch.IntegrationTests;

namespace Wirewatch.Benchmarks.Pipeline;

/// <summary>The private RabbitMQ node of one harness run, and the plain-AMQP chores the phases share.</summary>
public sealed class Broker : IAsyncDisposable
{
    private readonly RabbitMqNode _node;

    private Broker(RabbitMqNode node) => _node = node;

    public int AmqpPort => _node.AmqpPort;

    public static async Task<Broker> StartAsync()
    {
        var node = new RabbitMqNode();
        await node.InitializeAsync();
        return new Broker(node);
    }

    /// <summary>A fresh virtual host per phase, so no phase sees another's queues, exchanges or leftovers.</summary>
    public Task<string> CreateVirtualHostAsync(string prefix) => _node.CreateVirtualHostAsync(prefix);

    public ConnectionFactory Factory(string virtualHost) => new()
    {
        HostName = "127.0.0.1",
        Port = AmqpPort,
        VirtualHost = virtualHost,
        UserName = "guest",
        Password = "guest",
    };

    /// <summary>Publishes every body to an exchange, persistent, with a pipelined window of outstanding confirms.</summary>
    public static async Task PublishAllAsync(IConnection connection, string exchange, IReadOnlyList<byte[]> bodies, Func<int, string>? routingKey = null)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var window = new List<Task>(256);
        for (var i = 0; i < bodies.Count; i++)
        {
            var properties = new BasicProperties
            {
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                MessageId = Guid.NewGuid().ToString(),
            };
            window.Add(channel.BasicPublishAsync(exchange, routingKey?.Invoke(i) ?? "", mandatory: false, properties, bodies[i]).AsTask());
            if (window.Count == 256)
            {
                await Task.WhenAll(window);
                window.Clear();
            }
        }

        await Task.WhenAll(window);
    }

    /// <summary>Waits until the queue exists and has at least <paramref name="consumers"/> consumers: the role is ready.</summary>
    public static async Task WaitForConsumersAsync(IConnection connection, string queue, int consumers, TimeSpan deadline, Func<string> diagnostics)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await ConsumersAsync(connection, queue) >= consumers)
            {
                return;
            }

            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{queue} has no {consumers} consumer(s) after {deadline.TotalSeconds:0} s.{Environment.NewLine}{diagnostics()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Messages ready in the queue now, or -1 when it does not exist (a passive declare on a throwaway channel).</summary>
    public static async Task<long> DepthAsync(IConnection connection, string queue)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync();
            var ok = await channel.QueueDeclarePassiveAsync(queue);
            return ok.MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return -1;
        }
    }

    private static async Task<long> ConsumersAsync(IConnection connection, string queue)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync();
            var ok = await channel.QueueDeclarePassiveAsync(queue);
            return ok.ConsumerCount;
        }
        catch (OperationInterruptedException)
        {
            return 0;
        }
    }

    public static string Format(double value) => value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();
}
