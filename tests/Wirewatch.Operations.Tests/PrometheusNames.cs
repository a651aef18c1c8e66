using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Wirewatch.Operations.Tests;

/// <summary>An instrument as the code creates it: <c>Meter.CreateCounter&lt;long&gt;("wirewatch.fetch.items", "{item}")</c>.</summary>
internal sealed record Instrument(string Name, string? Unit, InstrumentKind Kind);

public enum InstrumentKind
{
    Counter,
    Histogram,
    UpDownCounter,
    Gauge,
}

/// <summary>
/// How an OpenTelemetry instrument is named in Prometheus once the Collector's Prometheus exporter (default settings,
/// as docker/otel-collector.yaml uses it) has written it:
/// 1. every character that is not a letter, digit or underscore becomes <c>_</c> (<c>wirewatch.fetch.items</c> →
///    <c>wirewatch_fetch_items</c>);
/// 2. the unit is appended, spelled out (<c>s</c> → <c>_seconds</c>, <c>ms</c> → <c>_milliseconds</c>, <c>By</c> →
///    <c>_bytes</c>, <c>a/b</c> → <c>_a_per_b</c>); annotations in braces (<c>{item}</c>) and <c>1</c> add nothing;
///    a unit the name already ends with is not repeated;
/// 3. monotonic counters end in <c>_total</c>; histograms are exported as <c>_bucket</c>, <c>_sum</c> and <c>_count</c>
///    series; up-down counters and gauges keep the name.
/// So <c>wirewatch.clean.duration</c> (s, histogram) is queried as <c>wirewatch_clean_duration_seconds_bucket</c>.
/// </summary>
internal static partial class PrometheusNames
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds", ["ms"] = "milliseconds",
        ["us"] = "microseconds", ["ns"] = "nanoseconds", ["By"] = "bytes", ["KiBy"] = "kibibytes", ["MiBy"] = "mebibytes",
        ["KBy"] = "kilobytes", ["MBy"] = "megabytes", ["bit"] = "bits", ["%"] = "percent", ["Hz"] = "hertz",
    };

    public static IEnumerable<string> SeriesOf(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        var unit = UnitSuffix(instrument.Unit);
        if (unit.Length > 0 && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        return instrument.Kind switch
        {
            InstrumentKind.Counter => [name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total"],
            InstrumentKind.Histogram => [name + "_bucket", name + "_sum", name + "_count"],
            _ => [name],
        };
    }

    private static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        unit = AnnotationInBraces().Replace(unit, "");
        if (unit is "" or "1")
        {
            return "";
        }

        var parts = unit.Split('/', 2);
        var main = Units.GetValueOrDefault(parts[0], parts[0]);
        var per = parts.Length == 2 && parts[1].Length > 0 ? "_per_" + Units.GetValueOrDefault(parts[1], parts[1]) switch
        {
            "seconds" => "second", "minutes" => "minute", "hours" => "hour", "days" => "day", var other => other,
        } : "";
        return Sanitize(main + per).Trim('_');
    }

    private static string Sanitize(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return result.ToString();
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex AnnotationInBraces();

    /// <summary>The metric names a PromQL expression reads: identifiers that are not functions, keywords or labels.</summary>
    public static IReadOnlySet<string> MetricsIn(string promql)
    {
        var text = QuotedString().Replace(promql, "\"\"");
        text = LabelMatchers().Replace(text, " ");
        text = RangeOrSubquery().Replace(text, " ");
        text = LabelLists().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Identifier().Matches(text))
        {
            var after = text.AsSpan(match.Index + match.Length).TrimStart();
            if (!after.StartsWith("(") && !Keywords.Contains(match.Value))
            {
                names.Add(match.Value);
            }
        }

        return names;
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN",
    };

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex LabelLists();

    [GeneratedRegex(@"(?<![\w$.])[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifier();

    public static string Describe(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal));

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
