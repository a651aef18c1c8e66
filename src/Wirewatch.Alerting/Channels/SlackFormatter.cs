using System.Globalization;
using System.Text.Json.Nodes;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Channels;

/// <summary>
/// Slack incoming-webhook messages in Block Kit (https://api.slack.com/reference/block-kit/blocks): a top-level
/// <c>text</c> (the notification fallback) and <c>blocks</c>: a section with the headline as a <c>&lt;url|headline&gt;</c>
/// link, a context with the severity, the topics and the update marker, one section quoting each evidence sentence
/// (at most <see cref="MaxQuotes"/>), and a context naming the alert. Texts are escaped (&amp;, &lt;, &gt;) and cut to
/// Slack's limits (3000 characters a section).
/// </summary>
public sealed class SlackFormatter : IChatFormatter
{
    public const int MaxQuotes = 5;
    private const int SectionLimit = 3000;

    public JsonObject Alert(AlertRaised alert)
    {
        var blocks = new JsonArray
        {
            Section($"*<{LinkTarget(alert.Url)}|{Escape(alert.Headline)}>*"),
            Context(
            [
                $"Severity: *{alert.Severity.ToUpperInvariant()}*",
                $"Topics: {Escape(Topics(alert))}",
                .. alert.IsUpdate ? [$":arrows_counterclockwise: *Update* of `{Escape(alert.UpdatesAlertId ?? "")}`"] : Array.Empty<string>(),
            ]),
        };
        foreach (var evidence in alert.Evidence.Take(MaxQuotes))
        {
            blocks.Add(Section($"> {Escape(evidence.Snippet)}\n_{Escape(evidence.Topic)} · {Escape(evidence.Term)} ×{evidence.Count.ToString(CultureInfo.InvariantCulture)}_"));
        }

        blocks.Add(Context([$"Wirewatch alert `{Escape(alert.AlertId)}` · subscription {Escape(alert.SubscriptionId)}"]));
        return new JsonObject { ["text"] = Fallback(alert), ["blocks"] = blocks };
    }

    public JsonObject Digest(AlertDigest digest)
    {
        var blocks = new JsonArray { Section($"*Wirewatch digest: {digest.Alerts.Count.ToString(CultureInfo.InvariantCulture)} alerts* for {Escape(digest.SubscriptionId)}") };
        // Slack allows 50 blocks a message: the first 45 alerts, then a count of the rest.
        foreach (var alert in digest.Alerts.Take(45))
        {
            blocks.Add(Section($"{(alert.IsUpdate ? ":arrows_counterclockwise: *Update* " : "")}*{alert.Severity.ToUpperInvariant()}* <{LinkTarget(alert.Url)}|{Escape(alert.Headline)}>\n{Escape(Topics(alert))}"));
        }

        if (digest.Alerts.Count > 45)
        {
            blocks.Add(Context([$"and {(digest.Alerts.Count - 45).ToString(CultureInfo.InvariantCulture)} more"]));
        }

        return new JsonObject { ["text"] = $"Wirewatch digest: {digest.Alerts.Count} alerts for {digest.SubscriptionId}", ["blocks"] = blocks };
    }

    private static string Fallback(AlertRaised alert) =>
        $"{(alert.IsUpdate ? "UPDATE " : "")}{alert.Severity.ToUpperInvariant()} {(alert.Topics.Count > 0 ? alert.Topics[0].Topic : "alert")}: {alert.Headline}";

    internal static string Topics(AlertRaised alert) =>
        string.Join(", ", alert.Topics.Select(t => $"{t.Topic} {t.Score.ToString("0.00", CultureInfo.InvariantCulture)}"));

    private static JsonObject Section(string markdown) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = markdown.Length <= SectionLimit ? markdown : markdown[..(SectionLimit - 1)] + "…" },
    };

    private static JsonObject Context(IEnumerable<string> texts) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(texts.Select(t => (JsonNode)new JsonObject { ["type"] = "mrkdwn", ["text"] = t }).ToArray()),
    };

    /// <summary>A URL inside <c>&lt;url|text&gt;</c>: the characters that would end it early are percent-encoded.</summary>
    public static string LinkTarget(string url) =>
        url.Replace("|", "%7C", StringComparison.Ordinal).Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal);

    /// <summary>Slack's three control characters in mrkdwn.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
