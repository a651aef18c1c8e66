namespace Wirewatch.Tests.Shared;

/// <summary>Waits for a condition with a deadline: the only way tests wait (never a bare sleep).</summary>
internal static class Eventually
{
    public static Task True(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? lastSeen = null) =>
        True(() => Task.FromResult(condition()), what, timeout, lastSeen);

    /// <param name="lastSeen">Describes the state at the deadline, for the failure message.</param>
    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? lastSeen = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out waiting for: {what}{(lastSeen is null ? "" : $" (last seen: {lastSeen()})")}");
            }

            await Task.Delay(25, CancellationToken.None);
        }
    }
}
