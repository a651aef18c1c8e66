using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PublishException = RabbitMQ.Client.Exceptions.PublishException;
using Wirewatch.Hosting;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Operations.Tests;

/// <summary>
/// <c>Wirewatch:RabbitMq:RefusedPublishExitAfter</c>: a worker whose broker refuses every publication for that long stops
/// for a restart (exit code 75), and nothing else stops it: not an accepted message in between, not a broker that
/// cannot be reached, not a returned message.
/// </summary>
public sealed class RefusedPublishWatchdogTests
{
    private static readonly Exception Refusal = new RabbitMqConnectionException("BasicPublishAsync failed", new PublishException(7, isReturn: false));

    [Fact]
    public async Task Refusals_lasting_the_configured_time_stop_the_worker_for_a_restart()
    {
        var (watchdog, time, lifetime) = Create("00:01:00");
        await watchdog.StartAsync(default);
        for (var i = 0; i < 4; i++)
        {
            await watchdog.PublishFault<object>(null!, Refusal);
            time.Advance(TimeSpan.FromSeconds(20));
        }

        // The check runs on the fake clock's timer: each look moves the clock on a second until the watchdog acts.
        await Eventually.True(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return lifetime.StopRequested;
        }, "the watchdog stops the worker", TimeSpan.FromSeconds(10));
        watchdog.StoppedForRestart.ShouldBeTrue();
        await watchdog.StopAsync(default);
    }

    [Fact]
    public async Task One_accepted_message_between_refusals_starts_the_count_again()
    {
        var (watchdog, time, _) = Create("00:01:00");
        await watchdog.PublishFault<object>(null!, Refusal);
        await watchdog.PublishFault<object>(null!, Refusal);
        time.Advance(TimeSpan.FromSeconds(50));
        await watchdog.PostPublish<object>(null!);
        await watchdog.PublishFault<object>(null!, Refusal);
        await watchdog.PublishFault<object>(null!, Refusal);
        await watchdog.PublishFault<object>(null!, Refusal);
        time.Advance(TimeSpan.FromSeconds(50));

        watchdog.ShouldStop(out var refusedFor, out var refusals, out _).ShouldBeFalse();
        refusedFor.ShouldBe(TimeSpan.FromSeconds(50));
        refusals.ShouldBe(3);
    }

    [Fact]
    public async Task An_unreachable_broker_or_a_returned_message_is_not_a_refusal()
    {
        var (watchdog, time, _) = Create("00:01:00");
        for (var i = 0; i < 5; i++)
        {
            await watchdog.PublishFault<object>(null!, new RabbitMqConnectionException("Broker unreachable: rabbitmq://broker/"));
            await watchdog.PublishFault<object>(null!, new MessageReturnedException("The message was returned by RabbitMQ", new PublishException(8, isReturn: true)));
            await watchdog.PublishFault<object>(null!, new OperationCanceledException());
            time.Advance(TimeSpan.FromSeconds(30));
        }

        watchdog.ShouldStop(out _, out var refusals, out _).ShouldBeFalse();
        refusals.ShouldBe(0);
    }

    [Fact]
    public async Task Zero_never_stops_the_worker()
    {
        var (watchdog, time, _) = Create("00:00:00");
        for (var i = 0; i < 5; i++)
        {
            await watchdog.PublishFault<object>(null!, Refusal);
            time.Advance(TimeSpan.FromMinutes(5));
        }

        watchdog.ShouldStop(out _, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void A_negative_time_stops_the_start_naming_the_key()
    {
        var error = Should.Throw<WirewatchConfigurationException>(() => Read("-00:00:10"));

        error.Message.ShouldContain("Wirewatch:RabbitMq:RefusedPublishExitAfter");
    }

    private static (RefusedPublishWatchdog Watchdog, FakeTimeProvider Time, FakeLifetime Lifetime) Create(string exitAfter)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 3, 0, 0, TimeSpan.Zero));
        var lifetime = new FakeLifetime();
        return (new RefusedPublishWatchdog(Read(exitAfter), time, lifetime, NullLogger<RefusedPublishWatchdog>.Instance), time, lifetime);
    }

    private static WirewatchSettings Read(string exitAfter) =>
        WirewatchSettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Wirewatch:Transport"] = "RabbitMq",
                ["Wirewatch:RabbitMq:RefusedPublishExitAfter"] = exitAfter,
            })
            .Build());

    private sealed class FakeLifetime : IHostApplicationLifetime
    {
        public bool StopRequested { get; private set; }
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => StopRequested = true;
    }
}
