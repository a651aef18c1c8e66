namespace Wirewatch.Fetching;

/// <summary>Bound from <c>Wirewatch:Fetcher</c>.</summary>
public sealed class FetcherOptions
{
    /// <summary>Relative <c>directory</c>/<c>file</c> source paths resolve against this folder.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Names Wirewatch and a contact URL, so site owners know who is polling them.</summary>
    public string UserAgent { get; set; } = "Wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)";

    /// <summary>Bodies larger than this are refused (<c>too-large</c>), compressed or not.</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    public int MaxRedirects { get; set; } = 5;

    /// <summary>Retries for transient failures (5xx, 408, 429, network errors), exponential with jitter.</summary>
    public int Retries { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one publication may wait for the broker before the fetch job fails (and retries next run).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
