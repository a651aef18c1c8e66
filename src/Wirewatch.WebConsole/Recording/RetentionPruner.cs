using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wirewatch.ArticleStore;

namespace Wirewatch.WebConsole.Recording;

/// <summary>A failed prune (a locked or unreachable store) is logged and tried again next interval. Deletes articles and alerts older than <see cref="ConsoleOptions.Retention"/> every <see cref="ConsoleOptions.PruneInterval"/>.</summary>
public sealed class RetentionPruner(IArticleStore store, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<RetentionPruner> log) : BackgroundService
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
                    var deleted = await store.PruneAsync(time.GetUtcNow() - options.Value.Retention, stoppingToken);
                    if (deleted > 0)
                    {
                        log.LogInformation("Console store: {Count} article version(s) older than {Retention} pruned", deleted, options.Value.Retention);
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
