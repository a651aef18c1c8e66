using System.Text.Json;
using AngleSharp.Dom;

namespace Wirewatch.Cleaning.Html;

/// <summary>What the generic reading needs from a page, collected in one walk over its elements.</summary>
internal sealed class PageInventory
{
    private readonly Dictionary<string, string> _metas = new(StringComparer.OrdinalIgnoreCase);

    public List<IElement> Headings { get; } = [];
    public List<IElement> ArticleBodies { get; } = [];
    public List<IElement> Paragraphs { get; } = [];

    /// <summary><c>article</c> elements: a blog page may list other posts, each an <c>article</c>, below its own.</summary>
    public List<IElement> Articles { get; } = [];
    public List<string> JsonLd { get; } = [];
    public string? Canonical { get; set; }
    public string? ItemPropTime { get; private set; }
    public string? TimeDatetime { get; private set; }

    public string? Meta(string key) => _metas.GetValueOrDefault(key);

    /// <summary>How many elements the walk visited (dropped ones too).</summary>
    public int Elements { get; set; }

    public void Add(IElement element)
    {
        Elements++;
        switch (element.LocalName)
        {
            case "meta":
                var key = element.GetAttribute("property") ?? element.GetAttribute("name") ?? element.GetAttribute("itemprop");
                if (key is not null && element.GetAttribute("content") is { } content)
                {
                    _metas.TryAdd(key, content);
                }

                break;
            case "link" when string.Equals(element.GetAttribute("rel"), "canonical", StringComparison.OrdinalIgnoreCase):
                Canonical ??= element.GetAttribute("href");
                break;
            case "script" when string.Equals(element.GetAttribute("type"), "application/ld+json", StringComparison.OrdinalIgnoreCase):
                JsonLd.Add(element.TextContent);
                break;
            case "time" when element.GetAttribute("datetime") is { } datetime:
                TimeDatetime ??= datetime;
                break;
            case "h1":
                Headings.Add(element);
                break;
            case "article":
                Articles.Add(element);
                break;
            case "p" or "pre" or "blockquote" or "div" or "td":
                Paragraphs.Add(element);
                break;
        }

        if (element.GetAttribute("itemprop") is { } itemprop)
        {
            if (HasToken(itemprop, "articleBody"))
            {
                ArticleBodies.Add(element);
            }
            else if (HasToken(itemprop, "datePublished") && element.GetAttribute("datetime") is { } datetime)
            {
                ItemPropTime ??= datetime;
            }
        }
    }

    /// <summary>
    /// The publication time the markup states, in order of trust: <c>article:published_time</c>, JSON-LD
    /// <c>datePublished</c> (nested <c>@graph</c>s too), <c>itemprop=datePublished</c>, the generic <c>pubdate</c>,
    /// <c>publishdate</c> and <c>date</c> metas, the first <c>time[datetime]</c>. The first that carries a zone wins over
    /// a more trusted one without (a meta without a zone beside JSON-LD in UTC): a zone is never guessed when the page states one.
    /// </summary>
    public string? MachineTime()
    {
        string? zoneless = null;
        foreach (var candidate in MachineTimeCandidates())
        {
            if (Whitespace.Normalize(candidate) is not { } value)
            {
                continue;
            }

            if (StampParser.HasExplicitZone(value))
            {
                return value;
            }

            zoneless ??= value;
        }

        return zoneless;
    }

    private IEnumerable<string?> MachineTimeCandidates()
    {
        yield return Meta("article:published_time");
        foreach (var json in JsonLd)
        {
            yield return JsonLdDatePublished(json);
        }

        yield return Meta("datePublished");
        yield return ItemPropTime;
        yield return Meta("pubdate");
        yield return Meta("publishdate");
        yield return Meta("date");
        yield return TimeDatetime;
    }

    /// <summary>
    /// The longest JSON-LD <c>articleBody</c> (nested <c>@graph</c>s too): the body of a page whose article is built by a
    /// script, which the markup holds only as a placeholder. Only looked for when the chosen body is nearly empty.
    /// </summary>
    public string? JsonLdArticleBody()
    {
        string? longest = null;
        foreach (var json in JsonLd)
        {
            if (json.Contains("\"articleBody\"", StringComparison.Ordinal) && JsonLdString(json, "articleBody") is { } body
                && body.Length > (longest?.Length ?? 0))
            {
                longest = body;
            }
        }

        return longest;
    }

    private static string? JsonLdDatePublished(string json) => JsonLdString(json, "datePublished");

    /// <summary>The first string value of <paramref name="property"/> anywhere in a JSON-LD block.</summary>
    private static string? JsonLdString(string json, string property)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return Find(doc.RootElement, property);
        }
        catch (JsonException)
        {
            return null; // A broken JSON-LD block is the site's problem, not a reason to lose the article.
        }

        static string? Find(JsonElement element, string property)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    if (element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString();
                    }

                    foreach (var child in element.EnumerateObject())
                    {
                        if (Find(child.Value, property) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (Find(item, property) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }
    }

    /// <summary>itemprop is a list of tokens: <c>itemprop="description articleBody"</c> holds <c>articleBody</c>.</summary>
    private static bool HasToken(string list, string token)
    {
        foreach (var range in list.AsSpan().Split(' '))
        {
            if (list.AsSpan()[range].Trim().Equals(token, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
