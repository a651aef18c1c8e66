using System.Diagnostics.Metrics;
using Wirewatch.Contracts;

namespace Wirewatch.Classification;

/// <summary>The classifier's instruments on the <c>Wirewatch</c> meter, from the host's <see cref="IMeterFactory"/>; the names are stable (dashboards use them).</summary>
public sealed class ClassifierMetrics
{
    public ClassifierMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(WireTelemetry.Name);
        Matches = meter.CreateCounter<long>("wirewatch.classify.matches", "{article}", "Articles that matched a topic, by topic.");
        Articles = meter.CreateCounter<long>("wirewatch.classify.articles", "{article}", "Articles classified.");
        Duration = meter.CreateHistogram<double>("wirewatch.classify.duration", "s", "Time to classify one article.");
    }

    public Counter<long> Matches { get; }
    public Counter<long> Articles { get; }
    public Histogram<double> Duration { get; }
}
