using System.Text.Json;

namespace Wirewatch.Fetching;

/// <summary>JSON Feed 1.0 and 1.1 (jsonfeed.org): <c>items[].url</c>, else <c>external_url</c>, else a URL-like <c>id</c>.</summary>
internal static partial class JsonFeedReader
{
    public static ParsedFeed Read(string text, Uri feedUrl)
    {
        JsonDocument document;
        var options = new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };
        try
        {
            document = JsonDocument.Parse(text.TrimStart('\uFEFF'), options);
        }
        catch (JsonException)
        {
            // JavaScript's NaN and Infinity, which Python and feedparser accept, read as null.
            try
            {
                document = JsonDocument.Parse(NonFinite().Replace(text.TrimStart('\uFEFF'), "null"), options);
            }
            catch (JsonException e)
            {
                throw new FetchFailedException("invalid-feed", $"{feedUrl} is not a readable JSON feed: {e.Message}", e);
            }
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FetchFailedException("invalid-feed", $"{feedUrl} is JSON but not a JSON Feed (not an object).");
            }

            // No items (or items of the wrong type) is a feed with nothing in it, as feedparser reads it.
            var list = root.TryGetProperty("items", out var found) && found.ValueKind == JsonValueKind.Array ? found : default;

            var version = String(root, "version") ?? "";
            var format = version.EndsWith("/1.1", StringComparison.Ordinal) ? "json-1.1" : version.EndsWith("/1", StringComparison.Ordinal) ? "json-1.0" : "json";
            var baseUri = String(root, "home_page_url") is { } home && Uri.TryCreate(feedUrl, home, out var homeUri) ? homeUri : feedUrl;
            var items = new FeedItems(feedUrl);
            IEnumerable<JsonElement> entries = list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];
            foreach (var item in entries)
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

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[:\[,]\s*)-?(?:NaN|Infinity)(?=\s*[,\}\]])")]
    private static partial System.Text.RegularExpressions.Regex NonFinite();
}
