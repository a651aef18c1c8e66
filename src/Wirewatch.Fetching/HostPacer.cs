namespace Wirewatch.Fetching;

/// <summary>
/// Politeness: at most one request per host per interval, across every source and job of this process. Each caller
/// reserves the next free slot of the host and waits for it (on the injected clock).
/// </summary>
public sealed class HostPacer(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _nextFree = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Waits until a request to <paramref name="host"/> is allowed, and books the slot.</summary>
    public async Task WaitTurnAsync(string host, TimeSpan interval, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var slot = _nextFree.TryGetValue(host, out var next) && next > now ? next : now;
            _nextFree[host] = slot + interval;
            wait = slot - now;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
