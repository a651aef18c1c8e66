using System.Diagnostics.Metrics;
using Wirewatch.Contracts;

namespace Wirewatch.Cleaning;

/// <summary>The cleaner's instruments on the <c>Wirewatch</c> meter; the names are stable (dashboards and alert rules use them).</summary>
public sealed class CleanerMetrics
{
    // Literal names at the instruments too: tests/Wirewatch.Operations.Tests scans the source for them.
    public const string CleanedName = "wirewatch.clean.cleaned";
    public const string RejectedName = "wirewatch.clean.rejected";

    /// <summary>The instruments on the meter of <paramref name="meters"/> (the host's, so tests and hosts own their lifetime).</summary>
    public CleanerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(WireTelemetry.Name);
        Cleaned = meter.CreateCounter<long>("wirewatch.clean.cleaned", "{article}", "Articles the cleaner published, by source.");
        Rejected = meter.CreateCounter<long>("wirewatch.clean.rejected", "{article}", "Articles the cleaner rejected, by reason and source.");
        Warnings = meter.CreateCounter<long>("wirewatch.clean.warnings", "{warning}", "Warnings on cleaned articles, by code.");
        Duration = meter.CreateHistogram<double>("wirewatch.clean.duration", "s", "Time to clean one article.");
    }

    /// <summary>Articles cleaned and published, tagged <c>source</c>.</summary>
    public Counter<long> Cleaned { get; }

    /// <summary>Articles rejected, tagged <c>reason</c> (empty, binary, no-headline, not-found-page, no-body) and <c>source</c>.</summary>
    public Counter<long> Rejected { get; }

    /// <summary>Warnings on published articles, tagged <c>warning</c>.</summary>
    public Counter<long> Warnings { get; }

    public Histogram<double> Duration { get; }
}
