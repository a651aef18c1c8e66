using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Wirewatch.Benchmarks.Pipeline;

/// <summary>
/// The floor: RabbitMQ.Client 7 moving the same bodies through four queue hops with the durability Wirewatch uses
/// (durable fan-out exchanges and queues, persistent messages, publisher confirms, manual acks after the next hop's
/// publication is confirmed) and the same prefetch and concurrency. Confirms are pipelined: the producer keeps a
/// window of outstanding publications; each hop has as many in flight as it has concurrent handlers.
/// </summary>
public static class RawBaseline
{
    private const int PublishWindow = 256;

    /// <param name="hops">hops[h][i]: the body article i carries into hop h (fetched, cleaned, classified, alert).</param>
    public static async Task<PhaseResult> RunAsync(ConnectionFactory factory, IReadOnlyList<byte[]>[] hops, string queueType, int prefetch, int concurrency, TimeSpan deadline)
    {
        var count = hops[0].Count;
        factory.ConsumerDispatchConcurrency = (ushort)concurrency;
        await using var connection = await factory.CreateConnectionAsync("wirewatch-bench-raw");
        var prefix = $"raw-{queueType}-{Guid.NewGuid():N}"[..20];
        var queueArguments = new Dictionary<string, object?> { ["x-queue-type"] = queueType };

        await using (var setup = await connection.CreateChannelAsync())
        {
            for (var h = 0; h < hops.Length; h++)
            {
                await setup.ExchangeDeclareAsync($"{prefix}.x{h}", ExchangeType.Fanout, durable: true, autoDelete: false);
                await setup.QueueDeclareAsync($"{prefix}.q{h}", durable: true, exclusive: false, autoDelete: false, queueArguments);
                await setup.QueueBindAsync($"{prefix}.q{h}", $"{prefix}.x{h}", "");
            }
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = 0;
        var channels = new List<IChannel>();
        var confirmed = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, consumerDispatchConcurrency: (ushort)concurrency);
        for (var h = 0; h < hops.Length; h++)
        {
            var hop = h;
            var consumeChannel = await connection.CreateChannelAsync(confirmed);
            channels.Add(consumeChannel);
            await consumeChannel.BasicQosAsync(0, (ushort)prefetch, false);
            var consumer = new AsyncEventingBasicConsumer(consumeChannel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                var index = int.Parse(delivery.BasicProperties.MessageId!, CultureInfo.InvariantCulture);
                if (hop + 1 < hops.Length)
                {
                    // The next hop's publication is confirmed before this one is acked: nothing lost in between.
                    await consumeChannel.BasicPublishAsync($"{prefix}.x{hop + 1}", "", mandatory: false, Properties(index), hops[hop + 1][index]);
                }
                else if (Interlocked.Increment(ref delivered) == count)
                {
                    done.TrySetResult();
                }

                await consumeChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            };
            await consumeChannel.BasicConsumeAsync($"{prefix}.q{h}", autoAck: false, consumer);
        }

        var clock = Stopwatch.StartNew();
        await using (var producer = await connection.CreateChannelAsync(confirmed))
        {
            var window = new List<Task>(PublishWindow);
            for (var i = 0; i < count; i++)
            {
                window.Add(producer.BasicPublishAsync($"{prefix}.x0", "", mandatory: false, Properties(i), hops[0][i]).AsTask());
                if (window.Count == PublishWindow)
                {
                    await Task.WhenAll(window);
                    window.Clear();
                }
            }

            await Task.WhenAll(window);
        }

        var finished = await Task.WhenAny(done.Task, Task.Delay(deadline)) == done.Task;
        var elapsed = clock.Elapsed;
        foreach (var channel in channels)
        {
            await channel.CloseAsync();
            channel.Dispose();
        }

        await using (var cleanup = await connection.CreateChannelAsync())
        {
            for (var h = 0; h < hops.Length; h++)
            {
                await cleanup.QueueDeleteAsync($"{prefix}.q{h}");
                await cleanup.ExchangeDeleteAsync($"{prefix}.x{h}");
            }
        }

        return new PhaseResult($"raw RabbitMQ.Client ({queueType})", count, Volatile.Read(ref delivered), elapsed, hops.Sum(h => h.Sum(b => (long)b.Length)), finished);
    }

    private static BasicProperties Properties(int index) => new()
    {
        ContentType = "application/json",
        DeliveryMode = DeliveryModes.Persistent,
        MessageId = index.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>One measured phase: how many articles went in and came out, in how long.</summary>
public sealed record PhaseResult(string Name, int Sent, int Completed, TimeSpan Elapsed, long Bytes, bool Finished)
{
    /// <summary>CPU time of the measured process per article, where one process did the work.</summary>
    public double? CpuSecondsPerArticle { get; init; }

    public double? PeakRssMegabytes { get; init; }

    /// <summary>Articles in the measured window (all of them, or those past the warm-up); defaults to all.</summary>
    public int? SteadyArticles { get; init; }

    public double ArticlesPerSecond => (SteadyArticles ?? Completed) / Math.Max(Elapsed.TotalSeconds, 1e-9);
    public double MegabytesPerSecond => Bytes / 1048576.0 / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
