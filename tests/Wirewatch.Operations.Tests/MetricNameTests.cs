using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wirewatch.Tests.Shared;
using Wirewatch.Worker.Cli;

namespace Wirewatch.Operations.Tests;

/// <summary>
/// The dashboard and the alert rules query metrics by name; a renamed instrument would leave a panel empty and an alert
/// silent. These tests build the list of exported names from the code itself (every <c>Meter.Create*</c> call under
/// src/, translated by <see cref="PrometheusNames"/>) and check every name the operations files use against it.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed partial class MetricNameTests
{
    /// <summary>Queue metrics of RabbitMQ's own rabbitmq_prometheus plugin (the /metrics/per-object endpoint): not ours to scan.</summary>
    private static readonly HashSet<string> BrokerMetrics = new(StringComparer.Ordinal)
    {
        "rabbitmq_queue_messages", "rabbitmq_queue_messages_ready", "rabbitmq_queue_messages_unacked", "rabbitmq_queue_consumers",
    };

    private static readonly string OpsFolder = Path.Combine(TestPaths.RepositoryRoot, "ops");

    [Fact]
    public void The_dashboard_queries_only_metrics_the_code_exports()
    {
        var exported = ExportedSeries();
        var queried = DashboardExpressions().SelectMany(e => PrometheusNames.MetricsIn(e).Select(name => (name, e))).ToList();

        queried.ShouldNotBeEmpty("the dashboard has panels with queries");
        var unknown = queried.Where(q => !exported.Contains(q.name) && !BrokerMetrics.Contains(q.name)).ToList();
        unknown.ShouldBeEmpty(Explain(unknown, exported));
    }

    [Fact]
    public void The_alert_rules_and_their_unit_tests_use_only_metrics_the_code_exports()
    {
        var exported = ExportedSeries();
        var queried = RuleExpressions().SelectMany(e => PrometheusNames.MetricsIn(e).Select(name => (name, e))).ToList();

        queried.Select(q => q.name).Distinct().Count().ShouldBeGreaterThanOrEqualTo(4, "the rules read fetch, alert and queue metrics");
        var unknown = queried.Where(q => !exported.Contains(q.name) && !BrokerMetrics.Contains(q.name)).ToList();
        unknown.ShouldBeEmpty(Explain(unknown, exported));
    }

    [Fact]
    public void Every_alert_rule_has_a_runbook_section()
    {
        var runbook = File.ReadAllText(Path.Combine(OpsFolder, "runbook.md"));
        var alerts = AlertName().Matches(File.ReadAllText(Path.Combine(OpsFolder, "prometheus", "alerts.yml"))).Select(m => m.Groups[1].Value).ToList();

        alerts.ShouldNotBeEmpty();
        alerts.Where(a => !runbook.Contains("## " + a, StringComparison.Ordinal)).ShouldBeEmpty("alerts without a `## <AlertName>` section in ops/runbook.md");
    }

    /// <summary>
    /// The scan must see what the code really creates: run the whole pipeline once (every stage, an alert), listen to the
    /// Wirewatch meter, and require every instrument that appears to be found by the scan with the same unit and kind.
    /// </summary>
    [Fact]
    public async Task The_source_scan_finds_every_instrument_the_running_pipeline_creates()
    {
        var seen = new List<Instrument>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "Wirewatch")
                {
                    lock (seen)
                    {
                        seen.Add(new Instrument(instrument.Name, instrument.Unit, KindOf(instrument)));
                    }
                }
            };
            listener.Start();

            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await WirewatchCli.InvokeAsync(["once", "--json", "--source", TestPaths.SamplesFolder], stdout, stderr);
            exit.ShouldBe(0, stderr.ToString());
            stdout.ToString().ShouldContain("\"type\":\"alert\"");
        }

        var scanned = ScanInstruments();
        List<Instrument> observed;
        lock (seen)
        {
            observed = [.. seen.Distinct()];
        }

        observed.Select(i => i.Name).ShouldContain(n => n.StartsWith("wirewatch.fetch.", StringComparison.Ordinal));
        observed.Select(i => i.Name).ShouldContain(n => n.StartsWith("wirewatch.clean", StringComparison.Ordinal));
        observed.Select(i => i.Name).ShouldContain(n => n.StartsWith("wirewatch.classify", StringComparison.Ordinal));
        observed.Select(i => i.Name).ShouldContain(n => n.StartsWith("wirewatch.alerts", StringComparison.Ordinal));
        observed.Where(i => !scanned.Contains(i)).ShouldBeEmpty(
            "instruments the pipeline created that the source scan did not find (create them as Meter.CreateX<T>(\"literal.name\", \"unit\", ...)); " +
            $"scanned: {string.Join(", ", scanned)}");
    }

    [Theory]
    [InlineData("wirewatch.fetch.items", "{item}", InstrumentKind.Counter, "wirewatch_fetch_items_total")]
    [InlineData("wirewatch.alerts.delivered", "{delivery}", InstrumentKind.Counter, "wirewatch_alerts_delivered_total")]
    [InlineData("wirewatch.clean.duration", "s", InstrumentKind.Histogram, "wirewatch_clean_duration_seconds_bucket wirewatch_clean_duration_seconds_sum wirewatch_clean_duration_seconds_count")]
    [InlineData("messaging.masstransit.consume.duration", "ms", InstrumentKind.Histogram, "messaging_masstransit_consume_duration_milliseconds_bucket messaging_masstransit_consume_duration_milliseconds_sum messaging_masstransit_consume_duration_milliseconds_count")]
    [InlineData("wirewatch.queue.lag", "s", InstrumentKind.Gauge, "wirewatch_queue_lag_seconds")]
    [InlineData("wirewatch.fetch.bytes", "By", InstrumentKind.Counter, "wirewatch_fetch_bytes_total")]
    [InlineData("http.client.request.duration", "s", InstrumentKind.Histogram, "http_client_request_duration_seconds_bucket http_client_request_duration_seconds_sum http_client_request_duration_seconds_count")]
    [InlineData("wirewatch.fetch.rate", "{item}/s", InstrumentKind.Gauge, "wirewatch_fetch_rate_per_second")]
    public void Instrument_names_translate_as_the_collector_writes_them(string name, string unit, InstrumentKind kind, string expected) =>
        PrometheusNames.SeriesOf(new Instrument(name, unit, kind)).ShouldBe(expected.Split(' '));

    [Fact]
    public void Metric_names_are_read_from_promql_without_functions_labels_or_keywords()
    {
        var names = PrometheusNames.MetricsIn("""
            histogram_quantile(0.95, sum by (le, source) (rate(wirewatch_fetch_duration_seconds_bucket{source=~"a|b"}[5m])))
            / on (source) group_left sum(increase(wirewatch_fetch_items_total{outcome="new"}[1h] offset 1d)) > 0
            unless absent_over_time(rabbitmq_queue_messages[10m]) and on () (hour() >= 23 or hour() < 13)
            """);

        names.ShouldBe(["wirewatch_fetch_duration_seconds_bucket", "wirewatch_fetch_items_total", "rabbitmq_queue_messages"], ignoreOrder: true);
    }

    /// <summary>Every Prometheus series the code's instruments are exported as.</summary>
    private static HashSet<string> ExportedSeries() =>
        ScanInstruments().SelectMany(PrometheusNames.SeriesOf).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every <c>Create{Counter,Histogram,...}&lt;T&gt;("name", "unit"</c> call in src/.</summary>
    private static HashSet<Instrument> ScanInstruments()
    {
        var found = new HashSet<Instrument>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match m in InstrumentCreation().Matches(File.ReadAllText(file)))
            {
                var kind = m.Groups["kind"].Value switch
                {
                    "Counter" or "ObservableCounter" => InstrumentKind.Counter,
                    "Histogram" => InstrumentKind.Histogram,
                    "UpDownCounter" or "ObservableUpDownCounter" => InstrumentKind.UpDownCounter,
                    _ => InstrumentKind.Gauge,
                };
                found.Add(new Instrument(m.Groups["name"].Value, m.Groups["unit"].Success ? m.Groups["unit"].Value : null, kind));
            }
        }

        found.ShouldNotBeEmpty("the scan finds the instruments under src/");
        return found;
    }

    private static InstrumentKind KindOf(System.Diagnostics.Metrics.Instrument instrument)
    {
        var type = instrument.GetType().GetGenericTypeDefinition();
        return type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? InstrumentKind.Counter
            : type == typeof(Histogram<>) ? InstrumentKind.Histogram
            : type == typeof(UpDownCounter<>) || type == typeof(ObservableUpDownCounter<>) ? InstrumentKind.UpDownCounter
            : InstrumentKind.Gauge;
    }

    private static IEnumerable<string> DashboardExpressions()
    {
        var dashboards = Directory.GetFiles(Path.Combine(OpsFolder, "grafana"), "*.json");
        dashboards.ShouldNotBeEmpty();
        foreach (var path in dashboards)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var expr in Strings(json.RootElement, "expr"))
            {
                yield return expr;
            }
        }
    }

    private static IEnumerable<string> Strings(JsonElement element, string property)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    if (p.Name == property && p.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return p.Value.GetString()!;
                    }
                    else
                    {
                        foreach (var s in Strings(p.Value, property))
                        {
                            yield return s;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var s in Strings(item, property))
                    {
                        yield return s;
                    }
                }

                break;
        }
    }

    /// <summary>The <c>expr:</c> of every rule (block or single line) and the <c>series:</c> of the promtool test inputs.</summary>
    private static IEnumerable<string> RuleExpressions()
    {
        foreach (var file in new[] { "alerts.yml", "alerts.test.yml" })
        {
            var lines = File.ReadAllLines(Path.Combine(OpsFolder, "prometheus", file));
            for (var i = 0; i < lines.Length; i++)
            {
                var m = YamlKey().Match(lines[i]);
                if (!m.Success || m.Groups["key"].Value is not ("expr" or "series"))
                {
                    continue;
                }

                var value = m.Groups["value"].Value.Trim();
                if (value is "|" or "|-" or ">" or ">-")
                {
                    var indent = m.Groups["indent"].Value.Length;
                    var block = new List<string>();
                    while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent))
                    {
                        block.Add(lines[++i]);
                    }

                    yield return string.Join('\n', block);
                }
                else
                {
                    yield return value.Trim('\'', '"');
                }
            }
        }
    }

    private static string Explain(IEnumerable<(string name, string expr)> unknown, IEnumerable<string> exported) =>
        "metrics queried but not exported by the code (rename the query, or the instrument): " +
        string.Join("; ", unknown.Select(u => $"{u.name} in `{u.expr.Trim()}`")) +
        $". Exported: {PrometheusNames.Describe(exported)}";

    [GeneratedRegex(@"Create(?<kind>Counter|Histogram|UpDownCounter|Gauge|ObservableCounter|ObservableGauge|ObservableUpDownCounter)<[^>]+>\(\s*""(?<name>[^""]+)""(?:\s*,\s*(?:unit:\s*)?""(?<unit>[^""]*)"")?")]
    private static partial Regex InstrumentCreation();

    [GeneratedRegex(@"^(?<indent>\s*)-?\s*(?<key>[A-Za-z_]+):(?<value>.*)$")]
    private static partial Regex YamlKey();

    [GeneratedRegex(@"-\s*alert:\s*(\S+)")]
    private static partial Regex AlertName();
}
