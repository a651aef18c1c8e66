namespace Wirewatch.WebConsole;

/// <summary>Bound from <c>Wirewatch:Console</c>.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Wirewatch:Console";

    /// <summary>How long articles and alerts stay in the console's store after they were recorded.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often records older than <see cref="Retention"/> are deleted.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A file holding the operators' token (may replay alerts). Unset: one is generated into <c>DataDir/console-operator.token</c>.</summary>
    public string? OperatorTokenFile { get; set; }

    /// <summary>A file holding the subscribers' token (read-only). Unset: one is generated into <c>DataDir/console-subscriber.token</c>.</summary>
    public string? SubscriberTokenFile { get; set; }

    /// <summary>How far under <c>minScore</c> a backtest reports near misses.</summary>
    public double NearMissMargin { get; set; } = 0.1;
}
