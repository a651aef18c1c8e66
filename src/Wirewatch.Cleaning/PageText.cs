using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Wirewatch.Cleaning;

/// <summary>
/// What the layout reader reads: lines of text (blank lines separate blocks), plus what the markup states outright:
/// the headline, a stamp as the page prints it, and a machine-readable publication time.
/// Text renderings become lines as they are; HTML is parsed once with AngleSharp and its article body chosen by the
/// source's rule or, for other sites, by paragraph density and link density (the readability idea).
/// </summary>
internal sealed record PageText(
    IReadOnlyList<string> Lines,
    string? Headline = null,
    string? StampText = null,
    string? MachineTime = null,
    SourceRule? Rule = null)
{
    private static readonly HtmlParser Parser = new();

    /// <summary>Never article text, wherever they are (a set, not a selector: it is asked of every element).</summary>
    private static readonly HashSet<string> NoiseTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe", "svg", "button", "select",
        "input", "label", "figure", "figcaption", "dialog", "header",
    };

    /// <summary>Class or id words that mark page furniture: share bars, related lists, cookie banners, ads, widgets.</summary>
    private static readonly HashSet<string> FurnitureWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "share", "sharing", "social", "sns", "related", "relate", "recommend", "recommended", "cookie", "cookies", "consent",
        "gdpr", "newsletter", "subscribe", "subscription", "promo", "advert", "advertisement", "ad", "ads", "adslot",
        "adunit", "banner", "comment", "comments", "feedback", "breadcrumb", "breadcrumbs", "menu", "navbar", "nav",
        "sidebar", "popular", "trending", "mostread", "caption", "byline", "toolbar", "util", "utility", "print",
        "fontsize", "copyright", "modal", "popup", "overlay", "sr-only", "skip", "outbrain", "taboola", "tags", "keywords",
        "author", "reporter", "footer", "header", "masthead", "video", "player", "gallery", "signup", "login",
    };

    private static readonly HashSet<string> BlockTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
        "blockquote", "pre", "table", "tr", "td", "th", "hr", "address", "center",
    };

    public static PageText FromText(string text) =>
        new(text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).ToList());

    public static PageText FromHtml(string html, SourceRule? rule, CleaningRules rules)
    {
        var document = Parser.ParseDocument(html);
        rule ??= rules.ForDocument(document);

        var machineTime = FindMachineTime(document);
        var headlineElement = (rule?.Headline is { } hs ? document.QuerySelector(hs) : null) ?? ChooseHeadline(document);
        var headline = Normalize(headlineElement?.TextContent)
                       ?? Normalize(document.QuerySelector("meta[property='og:title']")?.GetAttribute("content"))
                       ?? TitleWithoutSite(document.Title);
        var timeElement = rule?.Time is { } ts ? document.QuerySelector(ts) : null;
        var stampText = Normalize(timeElement?.GetAttribute("datetime")) ?? Normalize(timeElement?.TextContent);
        headlineElement?.Remove();
        timeElement?.Remove();

        if (rule?.Drop is { } drop)
        {
            foreach (var element in document.QuerySelectorAll(drop).ToList())
            {
                element.Remove();
            }
        }

        var sizes = TextSizes.Measure(document.DocumentElement);
        var root = (rule?.Body is { } bs ? document.QuerySelector(bs) : null) ?? ChooseBody(document, sizes);
        var lines = new List<string>();
        if (headline is not null)
        {
            // Headline first, as in a text rendering, so that the layout reader sees one shape.
            lines.Add(headline);
            lines.Add("");
        }

        if (root is not null)
        {
            var walker = new LineWriter(lines, sizes, Math.Max(1, sizes.Text(root)));
            walker.Write(root, isRoot: true);
            walker.Flush();
        }

        return new PageText(lines, headline, stampText, machineTime, rule);
    }

    /// <summary>The h1 that looks like the article's (longest of the first few, ignoring logos), or null.</summary>
    private static IElement? ChooseHeadline(IDocument document)
    {
        var candidates = document.QuerySelectorAll("article h1, main h1, h1").Distinct()
            .Where(h => h.Closest("nav, footer, aside") is null)
            .Select(h => (Element: h, Words: WordCount(h.TextContent)))
            .Where(h => h.Words >= 2)
            .ToList();
        return candidates.Count == 0 ? null : candidates.MaxBy(c => c.Words).Element;
    }

    private static string? TitleWithoutSite(string? title)
    {
        var text = Normalize(title);
        if (text is null)
        {
            return null;
        }

        // "Headline | Site", "Headline - Site", "Site : Headline": the longest part is the headline.
        var parts = text.Split([" | ", " - ", " \u2013 ", " \u2014 ", " : "], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? null : parts.MaxBy(p => p.Length);
    }

    /// <summary><c>article:published_time</c>, JSON-LD <c>datePublished</c>, <c>itemprop=datePublished</c>, or the first <c>time[datetime]</c>.</summary>
    private static string? FindMachineTime(IDocument document)
    {
        foreach (var selector in new[]
                 {
                     "meta[property='article:published_time']", "meta[name='article:published_time']",
                     "meta[itemprop='datePublished']", "meta[name='pubdate']", "meta[name='publishdate']", "meta[name='date']",
                 })
        {
            if (Normalize(document.QuerySelector(selector)?.GetAttribute("content")) is { } value)
            {
                return value;
            }
        }

        foreach (var script in document.QuerySelectorAll("script[type='application/ld+json']"))
        {
            if (JsonLdDatePublished(script.TextContent) is { } value)
            {
                return value;
            }
        }

        return Normalize(document.QuerySelector("[itemprop='datePublished']")?.GetAttribute("datetime"))
               ?? Normalize(document.QuerySelector("article time[datetime], time[datetime]")?.GetAttribute("datetime"));
    }

    private static string? JsonLdDatePublished(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return Find(doc.RootElement);
        }
        catch (JsonException)
        {
            return null; // A broken JSON-LD block is the site's problem, not a reason to lose the article.
        }

        static string? Find(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    if (element.TryGetProperty("datePublished", out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString();
                    }

                    foreach (var property in element.EnumerateObject())
                    {
                        if (Find(property.Value) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (Find(item) is { } found)
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

    /// <summary>
    /// Scores every element by the paragraphs directly inside it (longer and comma-richer paragraphs count more, half to
    /// the grandparent), discounts by link density, and takes the best; when its siblings score too, their parent.
    /// </summary>
    private static IElement? ChooseBody(IDocument document, TextSizes sizes)
    {
        if (document.QuerySelectorAll("[itemprop='articleBody']") is { Length: 1 } marked)
        {
            return marked[0];
        }

        var scores = new Dictionary<IElement, double>();
        foreach (var paragraph in document.QuerySelectorAll("p, pre, blockquote, div, td"))
        {
            if (paragraph.LocalName is "div" or "td" && !HoldsTextDirectly(paragraph))
            {
                continue; // a wrapper; its paragraphs count on their own
            }

            if (IsNoise(paragraph))
            {
                continue;
            }

            var length = sizes.Text(paragraph);
            if (length < 25)
            {
                continue;
            }

            var score = 1 + paragraph.TextContent.AsSpan().Count(',') + Math.Min(length / 100.0, 3);
            if (paragraph.ParentElement is { } parent)
            {
                scores[parent] = scores.GetValueOrDefault(parent) + score;
                if (parent.ParentElement is { } grandparent)
                {
                    scores[grandparent] = scores.GetValueOrDefault(grandparent) + score / 2;
                }
            }
        }

        if (scores.Count == 0)
        {
            return document.Body;
        }

        var ranked = scores.Select(s => (Element: s.Key, Score: s.Value * (1 - sizes.LinkDensity(s.Key))))
            .OrderByDescending(s => s.Score).ToList();
        var best = ranked[0];
        if (best.Element.ParentElement is { } container && container != document.Body)
        {
            var siblings = ranked.Count(r => r.Element != best.Element && r.Element.ParentElement == container && r.Score >= best.Score * 0.25);
            if (siblings > 0)
            {
                return container;
            }
        }

        return best.Element;
    }

    /// <summary>A div used as a paragraph: it has a text node of its own and no block children.</summary>
    private static bool HoldsTextDirectly(IElement element)
    {
        var hasText = false;
        foreach (var child in element.ChildNodes)
        {
            if (child is IElement e && BlockTags.Contains(e.LocalName))
            {
                return false;
            }

            hasText |= child is IText t && t.Data.AsSpan().Trim().Length >= 25;
        }

        return hasText;
    }

    private static bool IsNoise(IElement element)
    {
        for (var e = element; e is not null; e = e.ParentElement)
        {
            if (NoiseTags.Contains(e.LocalName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Text length, linked text length and link count of every element, measured in one pass over the tree (asking
    /// <c>TextContent</c> of each element instead would walk the same subtrees again and again).
    /// Lengths count non-whitespace characters.
    /// </summary>
    private sealed class TextSizes
    {
        private readonly Dictionary<IElement, (int Text, int Linked, int Links)> _sizes = [];

        public static TextSizes Measure(IElement? root)
        {
            var sizes = new TextSizes();
            if (root is not null)
            {
                sizes.Visit(root, insideLink: false);
            }

            return sizes;
        }

        public int Text(IElement element) => _sizes.TryGetValue(element, out var s) ? s.Text : 0;

        public int Links(IElement element) => _sizes.TryGetValue(element, out var s) ? s.Links : 0;

        public double LinkDensity(IElement element) =>
            _sizes.TryGetValue(element, out var s) && s.Text > 0 ? Math.Min(1, (double)s.Linked / s.Text) : 1;

        private (int Text, int Linked, int Links) Visit(IElement element, bool insideLink)
        {
            var isLink = element.LocalName == "a";
            int text = 0, linked = 0, links = isLink ? 1 : 0;
            foreach (var child in element.ChildNodes)
            {
                if (child is IText t)
                {
                    var length = NonWhitespace(t.Data);
                    text += length;
                    if (insideLink || isLink)
                    {
                        linked += length;
                    }
                }
                else if (child is IElement e && e.LocalName is not ("script" or "style" or "template"))
                {
                    var (childText, childLinked, childLinks) = Visit(e, insideLink || isLink);
                    text += childText;
                    linked += childLinked;
                    links += childLinks;
                }
            }

            _sizes[element] = (text, linked, links);
            return (text, linked, links);
        }

        private static int NonWhitespace(string data)
        {
            var count = 0;
            foreach (var c in data)
            {
                if (!char.IsWhiteSpace(c))
                {
                    count++;
                }
            }

            return count;
        }
    }

    private static bool IsFurniture(IElement element)
    {
        foreach (var attribute in new[] { element.ClassName, element.Id, element.GetAttribute("role") })
        {
            if (attribute is null)
            {
                continue;
            }

            foreach (var word in attribute.Split([' ', '-', '_'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (FurnitureWords.Contains(TrimDigits(word)))
                {
                    return true;
                }
            }
        }

        return element.GetAttribute("aria-hidden") == "true" || element.HasAttribute("hidden");
    }

    private static string TrimDigits(string word) => word.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');

    private static int WordCount(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    internal static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Renders a subtree as lines: block elements and <c>br</c> break lines; furniture and link lists are skipped.</summary>
    private sealed class LineWriter(List<string> lines, TextSizes sizes, int rootLength)
    {
        private readonly StringBuilder _line = new();

        public void Write(INode node, bool isRoot = false)
        {
            if (node is IText text)
            {
                _line.Append(text.Data);
                return;
            }

            if (node is not IElement element)
            {
                return;
            }

            if (!isRoot && Skip(element))
            {
                return;
            }

            var tag = element.LocalName;
            if (tag == "br")
            {
                Flush();
                return;
            }

            var block = BlockTags.Contains(tag);
            if (block)
            {
                Flush(blank: true);
            }

            foreach (var child in element.ChildNodes)
            {
                Write(child);
            }

            if (block)
            {
                Flush(blank: true);
            }
        }

        public void Flush(bool blank = false)
        {
            if (Normalize(_line.ToString()) is { } line)
            {
                lines.Add(line);
            }

            _line.Clear();
            if (blank && lines.Count > 0 && lines[^1].Length > 0)
            {
                lines.Add("");
            }
        }

        private bool Skip(IElement element)
        {
            if (NoiseTags.Contains(element.LocalName))
            {
                return true;
            }

            if (IsFurniture(element))
            {
                // A wrapper that merely carries a furniture word (class="article share-on") holds most of the text: keep it.
                return sizes.Text(element) < rootLength * 0.4;
            }

            if (element.LocalName is "ul" or "ol" or "div" or "section" or "table" or "p" or "dl")
            {
                var links = sizes.Links(element);
                var length = sizes.Text(element);
                // Link lists (menus, related headlines) and one-link "Read more" teasers.
                return (links >= 2 && sizes.LinkDensity(element) > 0.5 && length < rootLength * 0.4)
                       || (links == 1 && length < 100 && sizes.LinkDensity(element) > 0.6);
            }

            return false;
        }
    }
}
