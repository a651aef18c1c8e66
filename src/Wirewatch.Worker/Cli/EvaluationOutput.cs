using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wirewatch.Classification.Evaluation;
using Wirewatch.Contracts;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// What <c>wirewatch eval</c> prints: a table (topic, precision, recall, F1, support), the macro-F1, then the confusions;
/// with <c>--json</c>, one <c>{"type":"topic"}</c> line per topic, one <c>{"type":"summary"}</c> and one <c>{"type":"confusion"}</c> per error.
/// </summary>
internal static class EvaluationOutput
{
    public static void Write(TextWriter stdout, EvaluationReport report, string split, bool json)
    {
        if (json)
        {
            foreach (var t in report.Topics)
            {
                Line(stdout, new JsonObject
                {
                    ["type"] = "topic", ["topic"] = t.Topic, ["precision"] = Round(t.Precision), ["recall"] = Round(t.Recall), ["f1"] = Round(t.F1),
                    ["support"] = t.Support, ["truePositives"] = t.TruePositives, ["falsePositives"] = t.FalsePositives, ["falseNegatives"] = t.FalseNegatives,
                });
            }

            Line(stdout, new JsonObject { ["type"] = "summary", ["split"] = split, ["articles"] = report.Articles, ["macroF1"] = Round(report.MacroF1) });
            foreach (var c in report.Confusions)
            {
                var node = JsonSerializer.SerializeToNode(c, WireJson.Options)!.AsObject();
                node.Insert(0, "type", "confusion");
                Line(stdout, node);
            }

            return;
        }

        var width = Math.Max(5, report.Topics.Select(t => t.Topic.Length).DefaultIfEmpty(0).Max());
        stdout.WriteLine($"{"topic".PadRight(width)}  precision  recall     F1  support");
        foreach (var t in report.Topics)
        {
            stdout.WriteLine($"{t.Topic.PadRight(width)}  {F(t.Precision),9}  {F(t.Recall),6}  {F(t.F1),5}  {t.Support,7}");
        }

        stdout.WriteLine();
        stdout.WriteLine($"macro-F1 {F(report.MacroF1)}  ({report.Articles} articles, split {split})");
        stdout.WriteLine();
        stdout.WriteLine(report.Confusions.Count == 0 ? "confusions: none" : $"confusions ({report.Confusions.Count}):");
        foreach (var c in report.Confusions)
        {
            var evidence = c.Evidence.Count == 0 ? "no evidence" : string.Join(", ", c.Evidence.Take(3).Select(e => $"'{e.Term}' x{e.Count}"));
            stdout.WriteLine($"  {(c.Kind == ClassifierEvaluation.FalsePositive ? "FP" : "FN")} {c.Topic.PadRight(width)} {F(c.Score)}  {c.File}  [{evidence}]");
        }

        stdout.Flush();
    }

    private static double Round(double value) => Math.Round(value, 3);

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static void Line(TextWriter stdout, JsonObject node)
    {
        stdout.WriteLine(node.ToJsonString(WireJson.Options));
        stdout.Flush();
    }
}
