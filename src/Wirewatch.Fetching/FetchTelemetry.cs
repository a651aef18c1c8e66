using System.Diagnostics;
using System.Diagnostics.Metrics;
using Wirewatch.Contracts;

namespace Wirewatch.Fetching;

/// <summary>
/// The fetcher's spans and instruments, under the shared <c>Wirewatch</c> source and meter. The names are a contract
/// (dashboards and alert rules use them): see docs/fetching.md before renaming anything. Every instrument carries a
/// <c>source</c> tag (the source id).
/// </summary>
public sealed class FetchTelemetry
{
    public static readonly ActivitySource Source = new(WireTelemetry.Name);

    /// <summary>The instruments on the meter of <paramref name="meters"/> (the host's, so tests and hosts own their lifetime).</summary>
    public FetchTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(WireTelemetry.Name);
        Cycles = meter.CreateCounter<long>("wirewatch.fetch.cycles", "{cycle}", "Fetch cycles, by outcome (ok, failed).");
        Duration = meter.CreateHistogram<double>("wirewatch.fetch.duration", "s", "Time one fetch cycle took.");
        Requests = meter.CreateCounter<long>("wirewatch.fetch.requests", "{request}", "HTTP requests, by status code or failure.");
        RequestDuration = meter.CreateHistogram<double>("wirewatch.fetch.request.duration", "s", "Time to the response headers of one HTTP request, retries included.");
        Items = meter.CreateCounter<long>("wirewatch.fetch.items", "{item}", "Items a fetch cycle handled, by outcome.");
        Rejected = meter.CreateCounter<long>("wirewatch.fetch.rejected", "{item}", "Items refused, by reason.");
        Errors = meter.CreateCounter<long>("wirewatch.fetch.errors", "{error}", "Fetch errors, by kind.");
        SourceReloads = meter.CreateCounter<long>("wirewatch.fetch.sources.reloads", "{reload}", "Reloads of a changed sources file, by outcome.");
        BrokenSources = meter.CreateUpDownCounter<long>("wirewatch.fetch.sources.broken", "{source}", "Sources whose last N cycles all failed.");
        FeedWarnings = meter.CreateCounter<long>("wirewatch.fetch.feed.warnings", "{warning}", "Feed entries without a link, unreadable dates, broken documents read partly.");
    }

    /// <summary>Fetch cycles, by <c>outcome</c>: <c>ok</c>, <c>failed</c>.</summary>
    public Counter<long> Cycles { get; }

    /// <summary>Time one whole cycle took.</summary>
    public Histogram<double> Duration { get; }

    /// <summary>HTTP exchanges, by <c>status</c>: the HTTP code (<c>200</c>, <c>304</c>, ...) or <c>timeout</c>, <c>network</c>, <c>private-address</c>, <c>circuit-open</c>.</summary>
    public Counter<long> Requests { get; }

    /// <summary>Latency of one HTTP exchange (retries included) up to the response headers.</summary>
    public Histogram<double> RequestDuration { get; }

    /// <summary>Items per <c>outcome</c>: <c>new</c>, <c>updated</c>, <c>unchanged</c>, <c>not-modified</c>, <c>rejected</c>, <c>failed</c>.</summary>
    public Counter<long> Items { get; }

    /// <summary>Refused items and listings, by <c>reason</c> (<c>private-address</c>, <c>robots-disallowed</c>, <c>too-large</c>, <c>not-text</c>, <c>http-404</c>, ...).</summary>
    public Counter<long> Rejected { get; }

    /// <summary>Failures, by <c>kind</c> (<c>timeout</c>, <c>network</c>, <c>http-5xx</c> as the code, <c>invalid-feed</c>, <c>publish-timeout</c>, ...).</summary>
    public Counter<long> Errors { get; }

    /// <summary>What reading a feed gave up, by <c>kind</c>: <c>no-link</c> (entries skipped), <c>bad-date</c> (dates dropped, items kept), <c>recovered</c> (a broken document read up to its error).</summary>
    public Counter<long> FeedWarnings { get; }

    public void Count(string sourceId, ParsedFeed feed)
    {
        var source = new KeyValuePair<string, object?>("source", sourceId);
        if (feed.Skipped > 0)
        {
            FeedWarnings.Add(feed.Skipped, source, new("kind", "no-link"));
        }

        if (feed.UnreadableDates > 0)
        {
            FeedWarnings.Add(feed.UnreadableDates, source, new("kind", "bad-date"));
        }

        if (feed.Recovered is not null)
        {
            FeedWarnings.Add(1, source, new("kind", "recovered"));
        }
    }

    /// <summary>Reloads of a changed sources.json, by <c>outcome</c>: <c>ok</c>, <c>invalid</c> (kept the sources in force). No <c>source</c> tag.</summary>
    public Counter<long> SourceReloads { get; }

    /// <summary>+1 when a source becomes broken (N failed cycles in a row), -1 when it recovers: the number of broken sources.</summary>
    public UpDownCounter<long> BrokenSources { get; }
}
