using System.Globalization;
using System.Text.Json.Nodes;
using Wirewatch.Cleaning.Evaluation;
using Wirewatch.Contracts;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// What <c>wirewatch eval extraction</c> prints: precision, recall, F1 and pages per second, then the worst pages;
/// with <c>--json</c>, one <c>{"type":"page"}</c> line per page (worst first) and one <c>{"type":"summary"}</c>.
/// </summary>
internal static class ExtractionOutput
{
    public const int WorstShown = 15;

    public static void Write(TextWriter stdout, ExtractionReport report, bool json)
    {
        if (json)
        {
            foreach (var p in report.Worst(report.Pages.Count))
            {
                Line(stdout, new JsonObject
                {
                    ["type"] = "page", ["key"] = p.Key, ["url"] = p.Url, ["precision"] = Round(p.Precision), ["recall"] = Round(p.Recall),
                    ["f1"] = Round(p.F1), ["rejected"] = p.Rejection,
                });
            }

            Line(stdout, new JsonObject
            {
                ["type"] = "summary", ["pages"] = report.Pages.Count, ["precision"] = Round(report.Precision), ["recall"] = Round(report.Recall),
                ["f1"] = Round(report.F1), ["rejected"] = report.Pages.Count(p => p.Rejection is not null),
                ["pagesPerSecond"] = Math.Round(report.PagesPerSecond, 1),
            });
            return;
        }

        stdout.WriteLine($"pages {report.Pages.Count}  precision {F(report.Precision)}  recall {F(report.Recall)}  F1 {F(report.F1)}"
                         + $"  rejected {report.Pages.Count(p => p.Rejection is not null)}  ({report.PagesPerSecond.ToString("0", CultureInfo.InvariantCulture)} pages/s cleaning)");
        stdout.WriteLine();
        stdout.WriteLine($"worst {Math.Min(WorstShown, report.Pages.Count)} pages:      F1      P      R  url");
        foreach (var p in report.Worst(WorstShown))
        {
            stdout.WriteLine($"  {p.Key[..Math.Min(16, p.Key.Length)],-16}  {F(p.F1)}  {F(p.Precision)}  {F(p.Recall)}  {p.Url}{(p.Rejection is null ? "" : $"  [rejected {p.Rejection}]")}");
        }

        stdout.Flush();
    }

    private static double Round(double value) => Math.Round(value, 4);

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static void Line(TextWriter stdout, JsonObject node)
    {
        stdout.WriteLine(node.ToJsonString(WireJson.Options));
        stdout.Flush();
    }
}
