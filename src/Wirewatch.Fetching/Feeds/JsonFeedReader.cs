using System.Text.Json;

namespace Wirewatch.Fetching;

/// <summary>JSON Feed 1.0 and 1.1 (jsonfeed.org): <c>items[].url</c>, else <c>external_url</c>, else a URL-like <c>id</c>.</summary>
internal static class JsonFeedReader
{
    public static ParsedFeed Read(string text, Uri feedUrl)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text.TrimStart('\uFEFF'), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new FetchFailedException("invalid-feed", $"{feedUrl} is not a readable JSON feed: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new FetchFailedException("invalid-feed", $"{feedUrl} is JSON but not a JSON Feed (no 'items' array).");
            }

            var version = String(root, "version") ?? "";
            var format = version.EndsWith("/1.1", StringComparison.Ordinal) ? "json-1.1" : version.EndsWith("/1", StringComparison.Ordinal) ? "json-1.0" : "json";
            var baseUri = String(root, "home_page_url") is { } home && Uri.TryCreate(feedUrl, home, out var homeUri) ? homeUri : feedUrl;
            var items = new FeedItems(feedUrl);
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    items.Add(null, baseUri, null, []);
                    continue;
                }

                var link = String(item, "url") ?? String(item, "external_url") ?? (String(item, "id") is { } id && FeedItems.IsUrlLike(id) ? id : null);
                items.Add(link, baseUri, String(item, "title"), [String(item, "date_published"), String(item, "date_modified")]);
            }

            return items.Result(format, String(root, "title"), null);
        }
    }

    /// <summary>A string property, or a number written where a string belongs (ids often are); null otherwise.</summary>
    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
