using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Wirewatch.Alerting;

/// <summary>
/// Carries out the replays operators request in the console (<see cref="IReplayRequestStore"/>), every
/// <see cref="AlertLedgerOptions.ReplayPollInterval"/>, in whichever alerter takes them: the console needs neither the
/// alerter's channels nor its secrets, and may run as a process of its own.
/// </summary>
public sealed class ReplayRequestProcessor(
    IReplayRequestStore requests,
    AlertReplayer replayer,
    IBus bus,
    IOptions<AlertLedgerOptions> options,
    TimeProvider time,
    ILogger<ReplayRequestProcessor> log) : BackgroundService
{
    private const int Batch = 20;

    /// <summary>Replays every pending request once; returns how many were done.</summary>
    public async Task<int> ProcessAsync(CancellationToken cancellationToken)
    {
        // A request taken by an alerter that died is taken again once a claim's lease has passed.
        var taken = await requests.TakeAsync(Batch, time.GetUtcNow() - options.Value.ClaimLease, cancellationToken);
        foreach (var request in taken)
        {
            IReadOnlyList<ReplayResult> results;
            try
            {
                results = await replayer.ReplayAsync(request.AlertId, enableChannels: false, cancellationToken, bus);
                if (results.Count == 0)
                {
                    results = [new ReplayResult(request.AlertId, "-", "skipped", "no dead-lettered channel: nothing to replay")];
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Replay of alert {AlertId} requested by {RequestedBy} failed", request.AlertId, request.RequestedBy);
                results = [new ReplayResult(request.AlertId, "-", "failed", $"{e.GetType().Name}: {e.Message}")];
            }

            await requests.CompleteAsync(request.Id, results, cancellationToken);
            log.LogInformation("Replay of alert {AlertId} requested by {RequestedBy}: {Results}", request.AlertId, request.RequestedBy,
                string.Join(", ", results.Select(r => $"{r.Channel} {r.Outcome}")));
        }

        return taken.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReplayPollInterval, time);
        try
        {
            do
            {
                try
                {
                    await ProcessAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A store outage: the requests stay pending and the next tick tries again.
                    log.LogWarning(e, "Replay requests: reading the store failed; next try in {Interval}", options.Value.ReplayPollInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
