namespace Wirewatch.Tests.Shared;

/// <summary>Waits for a condition with a deadline: the only way tests wait (never a bare sleep).</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(25, CancellationToken.None);
        }
    }

    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(25, CancellationToken.None);
        }
    }
}
