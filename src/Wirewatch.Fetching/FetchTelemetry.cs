using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Wirewatch.Fetching;

/// <summary>The fetcher's spans and counters, under the shared <c>Wirewatch</c> source and meter names.</summary>
internal static class FetchTelemetry
{
    public static readonly ActivitySource Source = new("Wirewatch");
    private static readonly Meter Meter = new("Wirewatch");

    /// <summary>Items per outcome: <c>new</c>, <c>updated</c>, <c>unchanged</c>, <c>not-modified</c>, <c>failed</c>.</summary>
    public static readonly Counter<long> Items = Meter.CreateCounter<long>("wirewatch.fetch.items", "{item}", "Items a fetch cycle handled, by outcome.");

    public static readonly Counter<long> Cycles = Meter.CreateCounter<long>("wirewatch.fetch.cycles", "{cycle}", "Fetch cycles, by outcome (ok, failed).");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("wirewatch.fetch.duration", "s", "Time one fetch cycle took.");
}
