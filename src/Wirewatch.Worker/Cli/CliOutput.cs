using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wirewatch.Contracts;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// What the commands print: with <c>--json</c> one object per line, <c>{"type": ..., ...fields}</c>, and nothing else on
/// stdout; without it, short lines for people. Writes are serialized, since pipeline stages report concurrently.
/// </summary>
internal sealed class CliOutput(TextWriter stdout, bool json)
{
    private readonly Lock _lock = new();

    public bool Json => json;

    public void Cleaned(string path, ArticleCleaned article) => Emit("cleaned", ("path", path), article, () =>
        $"""
        {string.Concat(article.Flags.Select(f => $"({f}) "))}{article.Headline}
          published {Time(article.PublishedAt)}  dateline {article.Dateline?.City}, {article.Dateline?.Date} ({article.Dateline?.Agency})  {article.WordCount} words, {article.Paragraphs.Count} paragraphs{(article.EditorNote is null ? "" : $"  [{article.EditorNote}]")}{(article.Warnings.Count == 0 ? "" : $"  warnings: {string.Join(", ", article.Warnings)}")}
        {string.Join(Environment.NewLine, article.Paragraphs.Select(p => "  | " + p))}
        """);

    public void Classified(string key, string value, ArticleClassified article) => Emit("classified", (key, value), article, () =>
        $"classified  {string.Join(", ", article.Topics.Select(t => $"{t.Topic} {t.Score.ToString("0.00", CultureInfo.InvariantCulture)}{(t.Match ? "*" : "")}"))}  {article.Headline}");

    public void Alert(AlertRaised alert) => Emit("alert", null, alert, () =>
        $"ALERT [{alert.Severity}] {alert.SubscriptionId}: {alert.Headline}{(alert.IsUpdate ? " (update)" : "")}" + Environment.NewLine
        + string.Join(Environment.NewLine, alert.Evidence.Take(3).Select(e => $"    {e.Topic}: '{e.Term}' x{e.Count}: {e.Snippet}")));

    public void Rejected(string key, string value, string reason, string? detail) => Emit("rejected", (key, value), new { reason, detail }, () =>
        $"rejected    {value}: {reason}{(detail is null ? "" : $" ({detail})")}");

    public void Replayed(Wirewatch.Alerting.ReplayResult result) => Emit("replayed", null, result, () =>
        $"replayed    {result.AlertId} -> {result.Channel}: {result.Outcome}{(result.Detail is null ? "" : $" ({result.Detail})")}");

    public void Backtested(Wirewatch.Alerting.BacktestResult result) =>
        Emit("subscription", null, new { id = result.SubscriptionId, result.MinScore, alerts = result.Alerts.Count, nearMisses = result.NearMisses.Count }, () =>
            $"{result.SubscriptionId}: {result.Alerts.Count} alert(s), {result.NearMisses.Count} near miss(es) (minScore {result.MinScore.ToString("0.00", CultureInfo.InvariantCulture)})");

    public void NearMiss(string subscriptionId, Wirewatch.Alerting.BacktestNearMiss miss) =>
        Emit("near-miss", ("subscriptionId", subscriptionId), miss, () =>
            $"near miss   {subscriptionId}: {miss.Headline} ({miss.Topic} {miss.Score.ToString("0.00", CultureInfo.InvariantCulture)} < {miss.MinScore.ToString("0.00", CultureInfo.InvariantCulture)})");

    public void Note(string text)
    {
        if (!json)
        {
            lock (_lock)
            {
                stdout.WriteLine(text);
            }
        }
    }

    private void Emit(string type, (string Key, string Value)? first, object body, Func<string> human)
    {
        string line;
        if (json)
        {
            var node = new JsonObject { ["type"] = type };
            if (first is { } f)
            {
                node[f.Key] = f.Value;
            }

            foreach (var property in JsonSerializer.SerializeToNode(body, body.GetType(), WireJson.Options)!.AsObject().ToList())
            {
                node[property.Key] = property.Value?.DeepClone();
            }

            line = node.ToJsonString(WireJson.Options);
        }
        else
        {
            line = human();
        }

        lock (_lock)
        {
            stdout.WriteLine(line);
            stdout.Flush();
        }
    }

    private static string Time(DateTimeOffset? time) =>
        time?.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture) ?? "(no time)";
}
