namespace Wirewatch.Fetching;

/// <summary>Bound from <c>Wirewatch:Fetcher</c>; checked at start by <see cref="FetcherOptionsValidator"/>.</summary>
public sealed class FetcherOptions
{
    public const string Section = "Wirewatch:Fetcher";

    /// <summary>Relative <c>directory</c>/<c>file</c> source paths resolve against this folder.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>The product token; the User-Agent sent is <c>{UserAgent} (+{ContactUrl})</c>.</summary>
    public string UserAgent { get; set; } = "Wirewatch/0.1";

    /// <summary>Where a site owner finds who is polling them; part of the User-Agent.</summary>
    public string ContactUrl { get; set; } = "https://github.com/wirewatch/wirewatch";

    /// <summary>Bodies larger than this (after decompression) are refused (<c>too-large</c>). A source's <c>maxBytes</c> wins.</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    public int MaxRedirects { get; set; } = 5;

    /// <summary>Minimum time between two requests to one host. A source's <c>minInterval</c> and a robots.txt <c>Crawl-delay</c> can raise it.</summary>
    public TimeSpan MinHostInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether a host on this machine (<c>localhost</c>, 127.0.0.0/8, <c>::1</c>) is paced too. Pacing protects other
    /// people's servers; <c>wirewatch sources check</c> turns it off for loopback, so checking many feeds served by one
    /// local server (a feed bridge, a test corpus) takes seconds instead of one second per feed. The worker paces every host.
    /// </summary>
    public bool PaceLoopback { get; set; } = true;

    /// <summary>Retries for transient failures (network errors, timeouts, 408, 429, 5xx), exponential with jitter.</summary>
    public int Retries { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The circuit of a host opens when at least this share of its attempts failed (over <see cref="BreakerMinimumRequests"/> or more, in 60 s).</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumRequests { get; set; } = 6;

    /// <summary>How long an open circuit refuses requests to its host (<c>circuit-open</c>) before trying again.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether robots.txt is obeyed (it is, unless an operator with the site's permission says otherwise).</summary>
    public bool RespectRobotsTxt { get; set; } = true;

    /// <summary>How long a host's robots.txt is trusted before it is fetched again (kept in the state store).</summary>
    public TimeSpan RobotsCacheDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>After this many failed cycles in a row a source is reported broken (metric and error log).</summary>
    public int BrokenAfter { get; set; } = 3;

    /// <summary>
    /// How long a published URL is remembered after its last publication (pruned at most hourly). Far longer than any
    /// feed lists an item: a URL forgotten while still listed would be fetched and published again as new.
    /// </summary>
    public TimeSpan SeenRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the scheduled worker looks at sources.json for changes (reload without restart).</summary>
    public TimeSpan SourcesReloadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many sources one fetcher fetches at once (Quartz's thread pool). Each cycle mostly waits on the network, so
    /// thousands of sources need more than Quartz's default of 10 (docs/operations.md, capacity plan).
    /// </summary>
    public int MaxConcurrentFetches { get; set; } = 10;

    /// <summary>How long one publication may wait for the broker before the fetch job fails (and retries next run).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public string UserAgentHeader => $"{UserAgent} (+{ContactUrl})";
}

/// <summary>Refuses fetcher settings that cannot work, naming the key.</summary>
public sealed class FetcherOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<FetcherOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, FetcherOptions o)
    {
        var failures = new List<string>();
        const string P = "Wirewatch:Fetcher:";
        if (string.IsNullOrWhiteSpace(o.UserAgent) || !o.UserAgent.Contains("Wirewatch", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{P}UserAgent must name Wirewatch (was '{o.UserAgent}').");
        }

        if (!Uri.TryCreate(o.ContactUrl, UriKind.Absolute, out var contact) || (contact.Scheme != Uri.UriSchemeHttps && contact.Scheme != Uri.UriSchemeHttp && contact.Scheme != Uri.UriSchemeMailto))
        {
            failures.Add($"{P}ContactUrl must be an absolute http(s) or mailto URL (was '{o.ContactUrl}').");
        }

        if (o.MaxBytes < 1024)
        {
            failures.Add($"{P}MaxBytes must be at least 1024 (was {o.MaxBytes}).");
        }

        if (o.MaxRedirects is < 0 or > 20)
        {
            failures.Add($"{P}MaxRedirects must be between 0 and 20 (was {o.MaxRedirects}).");
        }

        if (o.MaxConcurrentFetches is < 1 or > 1000)
        {
            failures.Add($"{P}MaxConcurrentFetches must be between 1 and 1000 (was {o.MaxConcurrentFetches}).");
        }

        if (o.Retries is < 0 or > 10)
        {
            failures.Add($"{P}Retries must be between 0 and 10 (was {o.Retries}).");
        }

        if (o.MinHostInterval < TimeSpan.Zero)
        {
            failures.Add($"{P}MinHostInterval must not be negative (was {o.MinHostInterval}).");
        }

        if (o.AttemptTimeout < TimeSpan.FromMilliseconds(10) || o.TotalTimeout < o.AttemptTimeout)
        {
            failures.Add($"{P}AttemptTimeout must be at least 00:00:00.010 and TotalTimeout at least AttemptTimeout (were {o.AttemptTimeout}, {o.TotalTimeout}).");
        }

        if (o.BreakerFailureRatio is <= 0 or > 1 || o.BreakerMinimumRequests < 2 || o.BreakerDuration < TimeSpan.FromMilliseconds(500))
        {
            failures.Add($"{P}BreakerFailureRatio must be in (0, 1], BreakerMinimumRequests at least 2, BreakerDuration at least 00:00:00.5.");
        }

        if (o.SourcesReloadInterval < TimeSpan.FromMilliseconds(10))
        {
            failures.Add($"{P}SourcesReloadInterval must be at least 00:00:00.010 (was {o.SourcesReloadInterval}).");
        }

        if (o.SeenRetention < TimeSpan.FromDays(1))
        {
            failures.Add($"{P}SeenRetention must be at least 1.00:00:00 (was {o.SeenRetention}).");
        }

        if (o.BrokenAfter < 1)
        {
            failures.Add($"{P}BrokenAfter must be at least 1 (was {o.BrokenAfter}).");
        }

        return failures.Count > 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}
