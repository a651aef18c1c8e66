using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Wirewatch.WebConsole.Queues;

/// <summary>
/// Depths by passive queue declaration over AMQP (the management API need not be enabled), with the worker's own
/// credentials and TLS settings; <paramref name="endpoints"/>: the cluster's nodes, the first that answers is used.
/// One channel per queue: a missing queue closes its channel with 404.
/// </summary>
public sealed class RabbitMqQueueDepths(ConnectionFactory factory, IReadOnlyList<AmqpTcpEndpoint> endpoints) : IQueueDepths
{
    public static readonly IReadOnlyList<string> ConsumerQueues = ["wirewatch-cleaner", "wirewatch-classifier", "wirewatch-alerter", "wirewatch-console", "wirewatch-console-cleaned", "wirewatch-console-alerts"];

    public async Task<IReadOnlyList<QueueDepth>?> ReadAsync(CancellationToken cancellationToken)
    {
        var queues = ConsumerQueues.SelectMany(q => new[] { q, q + "_error" }).ToList();
        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(endpoints, cancellationToken);
        }
        catch (BrokerUnreachableException e)
        {
            return queues.Select(q => new QueueDepth(q, null, $"broker unreachable: {e.InnerException?.Message ?? e.Message}")).ToList();
        }

        await using (connection)
        {
            var depths = new List<QueueDepth>();
            foreach (var queue in queues)
            {
                try
                {
                    await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                    var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
                    depths.Add(new QueueDepth(queue, declared.MessageCount, null));
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
                {
                    depths.Add(new QueueDepth(queue, null, "no such queue (yet)"));
                }
            }

            return depths;
        }
    }
}
