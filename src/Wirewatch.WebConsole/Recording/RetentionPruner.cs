using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wirewatch.Alerting;
using Wirewatch.ArticleStore;

namespace Wirewatch.WebConsole.Recording;

/// <summary>
/// Deletes articles, alerts and finished replay requests older than <see cref="ConsoleOptions.Retention"/> every
/// <see cref="ConsoleOptions.PruneInterval"/>. A failed prune (a locked or unreachable store) is logged and tried again
/// next interval.
/// </summary>
public sealed class RetentionPruner(IArticleStore store, IReplayRequestStore replays, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<RetentionPruner> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        try
        {
            do
            {
                try
                {
                    var cutoff = time.GetUtcNow() - options.Value.Retention;
                    var deleted = await store.PruneAsync(cutoff, stoppingToken);
                    var replaysDeleted = await replays.PruneAsync(cutoff, stoppingToken);
                    if (deleted > 0 || replaysDeleted > 0)
                    {
                        log.LogInformation("Console store: {Count} article version(s) and {Replays} finished replay request(s) older than {Retention} pruned",
                            deleted, replaysDeleted, options.Value.Retention);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Console store: pruning failed; next try in {Interval}", options.Value.PruneInterval);
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
