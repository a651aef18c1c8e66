using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Wirewatch.Tests.Shared.Load;

/// <summary>
/// A plain AMQP consumer on a private queue bound to one of Wirewatch's exchanges: it keeps every body it sees (the
/// next phase is fed with them) and when each article id first arrived, so phases are timed from what the broker
/// delivered, not from what a process logged.
/// </summary>
internal sealed class AmqpRecorder : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly ConcurrentDictionary<string, long> _firstSeen = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<byte[]> _bodies = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _copies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _rawCopies = new(StringComparer.Ordinal);
    private readonly bool _keepBodies;
    private int _messages;

    private AmqpRecorder(IChannel channel, bool keepBodies)
    {
        _channel = channel;
        _keepBodies = keepBodies;
    }

    public int Messages => Volatile.Read(ref _messages);

    /// <summary>Distinct article ids seen.</summary>
    public int Articles => _firstSeen.Count;

    /// <summary>Stopwatch timestamps of each article id's first message.</summary>
    public IReadOnlyDictionary<string, long> FirstSeen => _firstSeen;

    public IReadOnlyList<byte[]> Bodies => [.. _bodies];

    /// <summary>
    /// Per alert id (or other <c>copyKey</c> property), how many distinct messages carried it: more than one is a
    /// duplicate publication. The recorder's own redeliveries (same AMQP message id) are not counted twice.
    /// </summary>
    public IReadOnlyDictionary<string, int> Copies => _copies.ToDictionary(c => c.Key, c => c.Value.Count, StringComparer.Ordinal);

    /// <summary>Per copy key, every message that carried it, the same message id twice included (the wire's view).</summary>
    public IReadOnlyDictionary<string, int> RawCopies => new Dictionary<string, int>(_rawCopies, StringComparer.Ordinal);

    private string? _copyKey;

    /// <summary>
    /// A recorder on a private queue; with <paramref name="durableQueue"/>, on a durable named queue that outlives broker
    /// restarts and dropped connections (the client recovers the connection and the consumer), so nothing published
    /// while the recorder was cut off is missed.
    /// </summary>
    /// <param name="quorum">The durable queue is a quorum queue: on a cluster it outlives the loss of any one node.</param>
    public static async Task<AmqpRecorder> StartAsync(IConnection connection, string exchange, string exchangeType, bool keepBodies, string? durableQueue = null, string? copyKey = null, bool quorum = false)
    {
        var channel = await connection.CreateChannelAsync();
        // wirewatch.alerts carries its alternate exchange: a declaration without it would be refused (PRECONDITION_FAILED).
        var arguments = exchange == Wirewatch.Contracts.WireNames.AlertsExchange
            ? new Dictionary<string, object?> { ["alternate-exchange"] = Wirewatch.Contracts.WireNames.AlertsUnroutedExchange }
            : null;
        await channel.ExchangeDeclareAsync(exchange, exchangeType, durable: true, autoDelete: false, arguments);
        var queue = durableQueue is null
            ? await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)
            : await channel.QueueDeclareAsync(durableQueue, durable: true, exclusive: false, autoDelete: false,
                quorum ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null);
        await channel.QueueBindAsync(queue.QueueName, exchange, exchangeType == ExchangeType.Topic ? "#" : "");
        await channel.BasicQosAsync(0, 500, false);
        var recorder = new AmqpRecorder(channel, keepBodies) { _copyKey = copyKey };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            recorder.Record(delivery.Body.Span, delivery.BasicProperties.MessageId ?? delivery.DeliveryTag.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).AsTask();
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: false, consumer);
        return recorder;
    }

    /// <summary>Waits until <paramref name="articles"/> distinct articles were seen; false at the deadline.</summary>
    public async Task<bool> WaitForArticlesAsync(int articles, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (Articles < articles)
        {
            if (clock.Elapsed > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    private void Record(ReadOnlySpan<byte> body, string messageId)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _messages);
        if (_keepBodies)
        {
            _bodies.Enqueue(body.ToArray());
        }

        var reader = new Utf8JsonReader(body);
        if (JsonDocument.TryParseValue(ref reader, out var document))
        {
            using (document)
            {
                if (document.RootElement.TryGetProperty("articleId", out var id) && id.GetString() is { } articleId)
                {
                    _firstSeen.TryAdd(articleId, now);
                }

                if (_copyKey is not null && document.RootElement.TryGetProperty(_copyKey, out var key) && key.GetString() is { } copy)
                {
                    _copies.GetOrAdd(copy, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(messageId, 0);
                    _rawCopies.AddOrUpdate(copy, 1, (_, n) => n + 1);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        _channel.Dispose();
    }
}
