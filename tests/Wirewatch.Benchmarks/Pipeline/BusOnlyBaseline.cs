using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using RabbitMQ.Client;
using Wirewatch.Contracts;
using Wirewatch.Hosting;

namespace Wirewatch.Benchmarks.Pipeline;

/// <summary>
/// Wirewatch's bus with the stages taken out: the same topology (<see cref="BusTopology"/>: named exchanges, raw JSON),
/// the same retry, prefetch, concurrency and publisher confirms as <c>WirewatchDefaults</c>, and consumers that do
/// nothing but publish the next hop's message (deserialized up front from what the real stages produced). What is
/// left is MassTransit's own cost, measured against <see cref="RawBaseline"/> on the same bodies.
/// </summary>
public static class BusOnlyBaseline
{
    public static async Task<PhaseResult> RunAsync(int amqpPort, string virtualHost, IReadOnlyList<byte[]>[] hops, string queueType, int concurrency, TimeSpan deadline)
    {
        var count = hops[0].Count;
        var fetched = hops[0].Select(b => JsonSerializer.Deserialize<ArticleFetched>(b, WireJson.Options)!).ToArray();
        var next = new HopTable(
            ById(hops[1].Select(b => JsonSerializer.Deserialize<ArticleCleaned>(b, WireJson.Options)!), c => c.ArticleId),
            ById(hops[2].Select(b => JsonSerializer.Deserialize<ArticleClassified>(b, WireJson.Options)!), c => c.ArticleId),
            ById(hops[3].Select(b => JsonSerializer.Deserialize<AlertRaised>(b, WireJson.Options)!), a => a.ArticleId));
        var sink = new AlertSink(count);
        var quorum = queueType == "quorum";

        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host("127.0.0.1", (ushort)amqpPort, virtualHost, host =>
            {
                host.Username("guest");
                host.Password("guest");
                host.PublisherConfirmation = true;
            });
            BusTopology.ApplyRabbitMq(cfg);
            cfg.UseMessageRetry(r => r.Intervals(200, 1000, 5000));
            cfg.PrefetchCount = concurrency * 2;
            cfg.ConcurrentMessageLimit = concurrency;

            void Endpoint<T>(string name, MessageHandler<T> handle)
                where T : class =>
                cfg.ReceiveEndpoint(name, e =>
                {
                    if (quorum)
                    {
                        e.SetQuorumQueue();
                    }

                    e.Handler<T>(handle);
                });

            Endpoint<ArticleFetched>("bench-cleaner", c => c.Publish(next.Cleaned[c.Message.ArticleId]));
            Endpoint<ArticleCleaned>("bench-classifier", c => c.Publish(next.Classified[c.Message.ArticleId]));
            Endpoint<ArticleClassified>("bench-alerter", c => c.Publish(next.Alerts[c.Message.ArticleId]));
            cfg.ReceiveEndpoint("bench-alert-sink", e =>
            {
                if (quorum)
                {
                    e.SetQuorumQueue();
                }

                // The alerts exchange is a topic exchange keyed <topic>.<severity>: a sink takes every key.
                e.ConfigureConsumeTopology = false;
                e.Bind(WireNames.AlertsExchange, b =>
                {
                    b.ExchangeType = ExchangeType.Topic;
                    b.RoutingKey = "#";
                    // Declared as the product declares it (BusTopology), or the broker refuses the inequivalent declaration.
                    b.SetExchangeArgument("alternate-exchange", WireNames.AlertsUnroutedExchange);
                });
                e.Handler<AlertRaised>(c =>
                {
                    sink.Arrived();
                    return Task.CompletedTask;
                });
            });
        });

        using var startDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bus.StartAsync(startDeadline.Token);
        try
        {
            var clock = Stopwatch.StartNew();
            const int window = 256;
            for (var start = 0; start < count; start += window)
            {
                await Task.WhenAll(fetched.Skip(start).Take(window).Select(m => bus.Publish(m)));
            }

            var finished = await Task.WhenAny(sink.Done, Task.Delay(deadline)) == sink.Done;
            var elapsed = clock.Elapsed;
            return new PhaseResult($"bus only: MassTransit ({queueType})", count, sink.Count, elapsed, hops.Sum(h => h.Sum(b => (long)b.Length)), finished);
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    private static Dictionary<string, T> ById<T>(IEnumerable<T> messages, Func<T, string> id)
    {
        var table = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            table.TryAdd(id(message), message);
        }

        return table;
    }

    private sealed record HopTable(Dictionary<string, ArticleCleaned> Cleaned, Dictionary<string, ArticleClassified> Classified, Dictionary<string, AlertRaised> Alerts);

    private sealed class AlertSink(int expected)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task Done => _done.Task;
        public int Count => Volatile.Read(ref _count);

        public void Arrived()
        {
            if (Interlocked.Increment(ref _count) >= expected)
            {
                _done.TrySetResult();
            }
        }
    }
}
