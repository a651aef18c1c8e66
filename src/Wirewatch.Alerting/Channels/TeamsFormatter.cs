using System.Globalization;
using System.Text.Json.Nodes;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Channels;

/// <summary>
/// Microsoft Teams incoming-webhook (and Workflows "post to a channel when a webhook request is received") messages: a
/// <c>message</c> with one attachment of content type <c>application/vnd.microsoft.card.adaptive</c> holding an
/// Adaptive Card of schema version <see cref="CardVersion"/> (https://adaptivecards.io/schemas/adaptive-card.json;
/// 1.4 is what Teams renders on every client). The card: an "UPDATE" line when it is one, the headline as a Markdown
/// link, a FactSet with severity and topics, one emphasised container per evidence quote (at most
/// <see cref="SlackFormatter.MaxQuotes"/>), and an <c>Action.OpenUrl</c> to the article.
/// </summary>
public sealed class TeamsFormatter : IChatFormatter
{
    public const string CardVersion = "1.4";
    public const string CardContentType = "application/vnd.microsoft.card.adaptive";

    public JsonObject Alert(AlertRaised alert)
    {
        var body = new JsonArray();
        if (alert.IsUpdate)
        {
            body.Add(Text($"UPDATE of {alert.UpdatesAlertId}", weight: "Bolder", color: "Warning"));
        }

        body.Add(Text(Link(alert.Headline, alert.Url), weight: "Bolder", size: "Large"));
        body.Add(new JsonObject
        {
            ["type"] = "FactSet",
            ["facts"] = new JsonArray(
                Fact("Severity", alert.Severity.ToUpperInvariant()),
                Fact("Topics", SlackFormatter.Topics(alert)),
                Fact("Subscription", alert.SubscriptionId)),
        });
        foreach (var evidence in alert.Evidence.Take(SlackFormatter.MaxQuotes))
        {
            body.Add(new JsonObject
            {
                ["type"] = "Container",
                ["style"] = "emphasis",
                ["items"] = new JsonArray(
                    Text($"“{evidence.Snippet}”"),
                    Text($"{evidence.Topic} · {evidence.Term} ×{evidence.Count.ToString(CultureInfo.InvariantCulture)}", subtle: true)),
            });
        }

        body.Add(Text($"Wirewatch alert {alert.AlertId}", subtle: true));
        return Message(body, new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open the article", ["url"] = alert.Url }));
    }

    public JsonObject Digest(AlertDigest digest)
    {
        var body = new JsonArray(Text($"Wirewatch digest: {digest.Alerts.Count.ToString(CultureInfo.InvariantCulture)} alerts for {digest.SubscriptionId}", weight: "Bolder", size: "Large"));
        foreach (var alert in digest.Alerts)
        {
            body.Add(Text($"{(alert.IsUpdate ? "UPDATE · " : "")}**{alert.Severity.ToUpperInvariant()}** {Link(alert.Headline, alert.Url)} ({SlackFormatter.Topics(alert)})"));
        }

        return Message(body, []);
    }

    private static JsonObject Message(JsonArray body, JsonArray actions) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = CardContentType,
            ["contentUrl"] = null,
            ["content"] = new JsonObject
            {
                ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                ["type"] = "AdaptiveCard",
                ["version"] = CardVersion,
                ["body"] = body,
                ["actions"] = actions,
                ["msteams"] = new JsonObject { ["width"] = "Full" },
            },
        }),
    };

    private static JsonObject Text(string text, string? weight = null, string? size = null, string? color = null, bool subtle = false)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (weight is not null)
        {
            block["weight"] = weight;
        }

        if (size is not null)
        {
            block["size"] = size;
        }

        if (color is not null)
        {
            block["color"] = color;
        }

        if (subtle)
        {
            block["isSubtle"] = true;
        }

        return block;
    }

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    /// <summary>A Markdown link; brackets in the headline would end the link text early, so they become parentheses.</summary>
    private static string Link(string text, string url) =>
        $"[{text.Replace('[', '(').Replace(']', ')')}]({url.Replace(")", "%29", StringComparison.Ordinal)})";
}
