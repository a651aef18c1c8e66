using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Wirewatch.Tests.Shared.Http;

/// <summary>
/// A Slack or Teams incoming webhook on loopback. It refuses, as the real services do (Slack: 400 <c>invalid_blocks</c>;
/// Teams: 400), a body that is not in the documented format, keeps the ones it accepted, and answers what the test
/// scripts otherwise (500 for a while, 410, ...). The format checks are the documented structure, not our formatter's
/// code: Slack Block Kit (<c>text</c>, at most 50 <c>blocks</c> of known types, mrkdwn sections of at most 3000
/// characters, contexts of at most 10 elements); Teams: a <c>message</c> with one attachment of content type
/// <c>application/vnd.microsoft.card.adaptive</c> holding an <c>AdaptiveCard</c> of version 1.4 or lower.
/// </summary>
internal sealed class ChatReceiver : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly ConcurrentQueue<JsonObject> _accepted = new();
    private readonly ConcurrentQueue<string> _refused = new();
    private int _count;

    private ChatReceiver(LoopbackHttpServer server, string kind)
    {
        _server = server;
        Kind = kind;
    }

    public string Kind { get; }

    /// <summary>A URL with a token in its path, as the real ones have (the token must never be logged or stored).</summary>
    public Uri Url => _server.Url($"hook/{Kind}/T000SECRET/B000/XXXXSECRETTOKEN");

    public Func<int, IResult?> Script { get; set; } = _ => null;
    public IReadOnlyCollection<JsonObject> Accepted => _accepted.ToArray();
    public IReadOnlyCollection<string> Refused => _refused.ToArray();
    public int Requests => Volatile.Read(ref _count);

    public static async Task<ChatReceiver> StartAsync(string kind)
    {
        ChatReceiver? receiver = null;
        var server = await LoopbackHttpServer.StartAsync(app => app.MapPost("/hook/{kind}/{*token}", (Delegate)((HttpContext context) => receiver!.HandleAsync(context))));
        receiver = new ChatReceiver(server, kind);
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _count);
        var scripted = Script(n);
        if (scripted is not null)
        {
            return scripted;
        }

        JsonObject? body;
        try
        {
            body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)) as JsonObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            _refused.Enqueue($"not JSON: {e.Message}");
            return Results.BadRequest("invalid_payload");
        }

        var problems = body is null ? ["not a JSON object"] : Kind == "slack" ? SlackProblems(body) : TeamsProblems(body);
        if (problems.Count > 0)
        {
            _refused.Enqueue(string.Join("; ", problems));
            return Results.BadRequest(Kind == "slack" ? "invalid_blocks" : "Bad payload");
        }

        _accepted.Enqueue(body!);
        return Kind == "slack" ? Results.Text("ok") : Results.Text("1");
    }

    private static List<string> SlackProblems(JsonObject body)
    {
        var problems = new List<string>();
        if (body["text"]?.GetValue<string>() is not { Length: > 0 })
        {
            problems.Add("no top-level text (the notification fallback)");
        }

        if (body["blocks"] is not JsonArray blocks || blocks.Count is 0 or > 50)
        {
            problems.Add("blocks must be an array of 1 to 50 blocks");
            return problems;
        }

        foreach (var block in blocks.OfType<JsonObject>())
        {
            switch (block["type"]?.GetValue<string>())
            {
                case "section":
                    if (block["text"]?["type"]?.GetValue<string>() is not ("mrkdwn" or "plain_text") || block["text"]?["text"]?.GetValue<string>() is not { Length: > 0 and <= 3000 })
                    {
                        problems.Add("a section needs a text object of 1 to 3000 characters");
                    }

                    break;
                case "context":
                    if (block["elements"] is not JsonArray { Count: > 0 and <= 10 } elements || elements.Any(e => e?["type"]?.GetValue<string>() is not ("mrkdwn" or "plain_text" or "image")))
                    {
                        problems.Add("a context needs 1 to 10 text or image elements");
                    }

                    break;
                case "header":
                    if (block["text"]?["type"]?.GetValue<string>() != "plain_text" || block["text"]?["text"]?.GetValue<string>() is not { Length: > 0 and <= 150 })
                    {
                        problems.Add("a header needs plain_text of at most 150 characters");
                    }

                    break;
                case "divider":
                    break;
                default:
                    problems.Add($"unknown block type '{block["type"]}'");
                    break;
            }
        }

        return problems;
    }

    private static List<string> TeamsProblems(JsonObject body)
    {
        var problems = new List<string>();
        if (body["type"]?.GetValue<string>() != "message")
        {
            problems.Add("type must be 'message'");
        }

        if (body["attachments"] is not JsonArray { Count: 1 } attachments || attachments[0] is not JsonObject attachment)
        {
            problems.Add("exactly one attachment");
            return problems;
        }

        if (attachment["contentType"]?.GetValue<string>() != "application/vnd.microsoft.card.adaptive")
        {
            problems.Add("the attachment's contentType must be application/vnd.microsoft.card.adaptive");
        }

        var card = attachment["content"] as JsonObject;
        if (card?["type"]?.GetValue<string>() != "AdaptiveCard")
        {
            problems.Add("the content must be an AdaptiveCard");
            return problems;
        }

        if (!Version.TryParse(card["version"]?.GetValue<string>(), out var version) || version > new Version(1, 4))
        {
            problems.Add($"card version must be 1.4 or lower for every Teams client (was {card["version"]})");
        }

        if (card["body"] is not JsonArray { Count: > 0 } elements)
        {
            problems.Add("the card needs a body");
            return problems;
        }

        string[] known = ["TextBlock", "FactSet", "Container", "ColumnSet", "Image", "ActionSet", "RichTextBlock"];
        foreach (var element in elements.OfType<JsonObject>().Concat(elements.OfType<JsonObject>().SelectMany(e => e["items"] as JsonArray ?? []).OfType<JsonObject>()))
        {
            if (!known.Contains(element["type"]?.GetValue<string>()))
            {
                problems.Add($"unknown element type '{element["type"]}'");
            }

            if (element["type"]?.GetValue<string>() == "TextBlock" && element["text"]?.GetValue<string>() is not { Length: > 0 })
            {
                problems.Add("a TextBlock needs text");
            }
        }

        foreach (var action in card["actions"] as JsonArray ?? [])
        {
            if (action?["type"]?.GetValue<string>() is not ("Action.OpenUrl" or "Action.ShowCard" or "Action.ToggleVisibility"))
            {
                problems.Add($"unsupported action '{action?["type"]}' for an incoming webhook");
            }
        }

        return problems;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
