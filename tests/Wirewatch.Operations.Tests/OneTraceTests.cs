using Wirewatch.Contracts;
using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Wirewatch.Fetching;
using Wirewatch.Hosting;
using Wirewatch.Worker.Composition;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Operations.Tests;

/// <summary>
/// Trace context crosses the bus: the host composed as `run` composes it (every role, the embedded bus), with an
/// in-memory exporter added to the tracer provider the composition built, sees one article as one trace.
/// Activity listeners are process-wide, so tests that run a pipeline share a collection and never overlap.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class OneTraceTests
{
    [Fact]
    public async Task One_article_is_one_trace_from_the_fetch_through_cleaning_and_classification_to_its_alert()
    {
        var work = TestPaths.TempFolder("trace");
        var folder = Directory.CreateDirectory(Path.Combine(work, "wire")).FullName;
        File.Copy(Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt"), Path.Combine(folder, "001.txt"));
        var source = new SourceDefinition { Id = "trace-wire", Kind = SourceKinds.Directory, Path = folder };
        var spans = new SpanCollection();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wirewatch:Roles"] = "all",
            ["Wirewatch:Transport"] = Transports.InMemory,
            ["Wirewatch:DataDir"] = Path.Combine(work, "data"),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddWirewatch(scheduleFetches: false, new SourceCatalog([source]));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        using var host = builder.Build();
        await host.StartAsync();
        string articleId;
        try
        {
            var cycle = await host.Services.GetRequiredService<FetchCycle>().RunAsync(source, host.Services.GetRequiredService<IBus>(), CancellationToken.None);
            cycle.Published.Count.ShouldBe(1, "the folder holds one article");
            articleId = cycle.Published[0].ArticleId;
            // The alerter's consume span ends after its AlertRaised publication was confirmed: the last span of the story.
            await Eventually.True(() => spans.Snapshot().Any(s => Tag(s, "wirewatch.subscription") == "sanctions-desk"),
                "the alerter's span for the sanctions desk", lastSeen: () => Describe(spans.Snapshot()));
        }
        finally
        {
            await host.StopAsync();
        }

        var story = spans.Snapshot().Where(s => s.Source.Name is WireTelemetry.Name or "MassTransit").ToList();
        story.Select(s => s.TraceId).Distinct().ShouldHaveSingleItem($"one trace id across the stages; spans: {Describe(story)}");

        var fetch = story.Where(s => s.OperationName == "fetch source").ShouldHaveSingleItem();
        fetch.ParentSpanId.ShouldBe(default, "the fetch cycle starts the trace");
        Tag(fetch, "wirewatch.source").ShouldBe("trace-wire");
        // Hosting's consume filter tags the span that receives each message from the stage's queue.
        foreach (var queue in new[] { "wirewatch-cleaner", "wirewatch-classifier", "wirewatch-alerter" })
        {
            var receive = story.FirstOrDefault(s => Tag(s, "messaging.operation") == "receive" && Tag(s, "messaging.destination.name") == queue)
                ?? throw new ShouldAssertException($"no receive span for {queue}; spans: {Describe(story)}");
            receive.ShouldSatisfyAllConditions(
                s => Tag(s, "wirewatch.article").ShouldBe(articleId, queue),
                s => Tag(s, "wirewatch.source").ShouldBe("trace-wire", queue),
                s => Tag(s, "wirewatch.version").ShouldBe("1", queue));
        }

        Tag(ConsumerSpan(story, "CleanArticleConsumer"), "wirewatch.article").ShouldBe(articleId);

        (Tag(ConsumerSpan(story, "ClassifyArticleConsumer"), "wirewatch.topics") ?? "").Split(',').ShouldContain("sanctions");
        Tag(ConsumerSpan(story, "RaiseAlertsConsumer"), "wirewatch.subscription").ShouldBe("sanctions-desk");
    }

    /// <summary>The span MassTransit opened around one consumer (its consumer-type tag names the class).</summary>
    private static Activity ConsumerSpan(IReadOnlyList<Activity> spans, string consumer) =>
        spans.FirstOrDefault(s => s.Tags.Any(t => t.Key == "messaging.masstransit.consumer_type" && t.Value?.EndsWith(consumer, StringComparison.Ordinal) == true))
        ?? throw new ShouldAssertException($"no span for {consumer}; spans: {Describe(spans)}");

    private static string? Tag(Activity span, string key) => span.GetTagItem(key)?.ToString();

    private static string Describe(IEnumerable<Activity> spans) => string.Join("; ", spans.Select(s =>
        $"{s.Source.Name}/{s.DisplayName} trace={s.TraceId} parent={s.ParentSpanId} [{string.Join(", ", s.Tags.Select(t => $"{t.Key}={t.Value}"))}]"));
}

/// <summary>What the in-memory exporter writes into: spans end on the bus's threads while the test reads them.</summary>
internal sealed class SpanCollection : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];
    private readonly Lock _lock = new();

    public int Count { get { lock (_lock) { return _spans.Count; } } }
    public bool IsReadOnly => false;

    public IReadOnlyList<Activity> Snapshot() { lock (_lock) { return [.. _spans]; } }

    public void Add(Activity item) { lock (_lock) { _spans.Add(item); } }
    public void Clear() { lock (_lock) { _spans.Clear(); } }
    public bool Contains(Activity item) { lock (_lock) { return _spans.Contains(item); } }
    public void CopyTo(Activity[] array, int arrayIndex) { lock (_lock) { _spans.CopyTo(array, arrayIndex); } }
    public bool Remove(Activity item) { lock (_lock) { return _spans.Remove(item); } }
    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

[CollectionDefinition(Name)]
public sealed class PipelineCollection
{
    public const string Name = "pipelines (process-wide telemetry listeners)";
}
