using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Wirewatch.Alerting;

/// <summary>
/// Reloads <c>subscriptions.json</c> without a restart, as <c>SourcesReloader</c> does for sources: every
/// <paramref name="interval"/> it reads the file, and when its content changed it validates the whole set (topics and
/// entities against the classifier's vocabulary, channels, secrets) and puts it in force. An invalid file is logged
/// with the subscription and field at fault, and the set in force stays.
/// </summary>
public sealed class SubscriptionsReloader(
    string path,
    TimeSpan interval,
    SubscriptionCatalog catalog,
    SubscriptionVocabulary? vocabulary,
    TimeProvider time,
    AlertMetrics metrics,
    ILogger<SubscriptionsReloader> log) : BackgroundService
{
    // The file as it was when the set in force was loaded (just before this is built), not when the loop first runs:
    // a change made while the host starts is still seen.
    private string? _lastHash = Hash(path);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var hash = Hash(path);
                if (hash is null || hash == _lastHash)
                {
                    continue;
                }

                _lastHash = hash;
                Reload();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>True when the file was valid and is now in force.</summary>
    public bool Reload()
    {
        try
        {
            var next = SubscriptionCatalog.Load(path, vocabulary);
            catalog.ReplaceWith(next);
            metrics.SubscriptionReloads.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            log.LogInformation("Subscriptions file {Path} reloaded: {Count} subscription(s) in force", path, next.Subscriptions.Count);
            return true;
        }
        catch (InvalidSubscriptionException e)
        {
            metrics.SubscriptionReloads.Add(1, new KeyValuePair<string, object?>("outcome", "invalid"));
            log.LogError("Subscriptions file {Path} changed but is invalid; the {Count} subscription(s) in force stay: {Problems}", path, catalog.Subscriptions.Count, e.Message);
            return false;
        }
    }

    private static string? Hash(string file)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // Being replaced right now; read it next tick.
        }
    }
}
