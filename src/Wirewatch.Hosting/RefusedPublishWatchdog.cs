using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Wirewatch.Hosting;

/// <summary>
/// Stops the worker (exit code <see cref="ExitCode"/>) when the broker has refused every publication for
/// <see cref="RabbitMqOptions.RefusedPublishExitAfter"/>: negative confirms only, not one message accepted in between.
/// Seen on a RabbitMQ 3.10 cluster (the <c>rabbit-node-down</c> fault case): after the node leading a quorum queue was
/// killed, a channel on a surviving node kept refusing every message for that queue, minutes after a new leader was
/// elected, while new channels published fine. MassTransit keeps a channel until the broker closes it, so the worker
/// held its messages for good; a fresh process (what an orchestrator starts next) gets fresh channels. Nothing is lost
/// by stopping: unacknowledged messages go back to their queues, and a refused publication was never confirmed.
/// A broker that cannot be reached is not a refusal (MassTransit reconnects), so an outage does not stop the worker.
/// </summary>
public sealed class RefusedPublishWatchdog(
    WirewatchSettings settings, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<RefusedPublishWatchdog> log)
    : BackgroundService, IPublishObserver
{
    /// <summary>EX_TEMPFAIL: a temporary failure, try again (a restart).</summary>
    public const int ExitCode = 75;

    private readonly Lock _gate = new();
    private DateTimeOffset? _refusedSince;
    private int _refusals;
    private string? _lastRefusal;

    /// <summary>True once the watchdog stopped the worker: <c>wirewatch run</c> then exits with <see cref="ExitCode"/>.</summary>
    public bool StoppedForRestart { get; private set; }

    private TimeSpan ExitAfter => settings.Options.RabbitMq.RefusedPublishExitAfter;

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        lock (_gate)
        {
            _refusedSince = null;
            _refusals = 0;
        }

        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class
    {
        if (IsRefusal(exception))
        {
            lock (_gate)
            {
                _refusedSince ??= time.GetUtcNow();
                _refusals++;
                _lastRefusal = exception.GetBaseException().Message;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A negative confirm: the broker answered and said no (a returned, unroutable message is not one).</summary>
    public static bool IsRefusal(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RabbitMQ.Client.Exceptions.PublishException { IsReturn: false })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the refusals have lasted long enough to stop: at least three, over <see cref="RabbitMqOptions.RefusedPublishExitAfter"/>.</summary>
    public bool ShouldStop(out TimeSpan refusedFor, out int refusals, out string? lastRefusal)
    {
        lock (_gate)
        {
            refusedFor = _refusedSince is { } since ? time.GetUtcNow() - since : TimeSpan.Zero;
            refusals = _refusals;
            lastRefusal = _lastRefusal;
            return ExitAfter > TimeSpan.Zero && _refusedSince is not null && refusals >= 3 && refusedFor >= ExitAfter;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ExitAfter <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(ExitAfter.TotalSeconds / 6, 1, 10)), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (ShouldStop(out var refusedFor, out var refusals, out var lastRefusal))
            {
                log.LogCritical(
                    "The broker has refused every publication for {RefusedFor} ({Refusals} refusals, last: {LastRefusal}); stopping with exit code {ExitCode} so a fresh process gets fresh channels",
                    refusedFor, refusals, lastRefusal, ExitCode);
                StoppedForRestart = true;
                lifetime.StopApplication();
                return;
            }
        }
    }
}
