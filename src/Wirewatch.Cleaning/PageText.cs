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

    public static PageText FromHtml(string html, SourceRule? rule, CleaningRules rules) =>
        FromDocument(Parser.ParseDocument(html), rule, rules);

    private static PageText FromDocument(IDocument document, SourceRule? rule, CleaningRules rules)
    {
        // The rule's selectors (parsed once per process) and everything else come from one walk over the elements:
        // every QuerySelector(string) parses its selector and walks the whole document again, and on our pages a dozen
        // of them cost as much as the parse itself. What the rule drops is left out of the inventory, then removed.
        var matched = RuleMatches.For(rule);
        var inventory = new Inventory();
        if (document.DocumentElement is { } html)
        {
            Walk(html, matched, inventory, dropped: false);
        }

        inventory.Canonical ??= inventory.Meta("og:url");
        var ruleHeadline = matched.Headline;
        var timeElement = matched.Time;
        foreach (var element in matched.Drop)
        {
            element.Remove();
        }

        if (rule is null && rules.ForDocument(document, inventory.Canonical) is { } detected)
        {
            // Nothing was removed yet without a rule, so the detected site's selectors apply to the same document: no second parse.
            return FromDocument(document, detected, rules);
        }

        var headlineElement = ruleHeadline ?? ChooseHeadline(inventory.Headings);
        var headline = Normalize(headlineElement?.TextContent)
                       ?? Normalize(inventory.Meta("og:title"))
                       ?? TitleWithoutSite(document.Title);
        var stampText = Normalize(timeElement?.GetAttribute("datetime")) ?? Normalize(timeElement?.TextContent);
        headlineElement?.Remove();
        timeElement?.Remove();

        // With the rule's body, only its subtree is read: the menus and related lists around it need not be measured.
        var ruleBody = matched.Body is { ParentElement: not null } body ? body : null;
        var sizes = ruleBody is null
            ? TextSizes.Measure(document.DocumentElement, inventory.Elements)
            : TextSizes.Measure(ruleBody, inventory.Elements, insideLink: HasAncestor(ruleBody, "a"));
        var root = ruleBody ?? ChooseBody(document, inventory, sizes);
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

        return new PageText(lines, headline, stampText, inventory.MachineTime(), rule);
    }

    /// <summary>The h1 that looks like the article's (most words, outside navigation), or null.</summary>
    private static IElement? ChooseHeadline(List<IElement> headings)
    {
        var candidates = headings
            .Where(h => !HasAncestor(h, "nav", "footer", "aside"))
            .Select(h => (Element: h, Words: WordCount(h.TextContent)))
            .Where(h => h.Words >= 2)
            .ToList();
        return candidates.Count == 0 ? null : candidates.MaxBy(c => c.Words).Element;
    }

    private static bool HasAncestor(IElement element, params string[] tags)
    {
        for (var e = element.ParentElement; e is not null; e = e.ParentElement)
        {
            if (tags.Contains(e.LocalName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Elements in document order (what <c>document.All</c> yields), each given to the rule's selectors and, unless dropped, to the inventory.</summary>
    private static void Walk(IElement element, RuleMatches matched, Inventory inventory, bool dropped)
    {
        dropped |= matched.Check(element);
        if (!dropped)
        {
            inventory.Add(element);
        }
        else
        {
            inventory.Elements++;
        }

        var children = element.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            if (children[i] is IElement child)
            {
                Walk(child, matched, inventory, dropped);
            }
        }
    }

    /// <summary>The elements a source rule's selectors pick out, offered each element of one walk.</summary>
    private sealed class RuleMatches
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, RuleSelector?> Parsed = new();

        private readonly RuleSelector? _headline, _time, _body, _drop;

        private RuleMatches(SourceRule? rule)
        {
            _headline = Selector(rule?.Headline);
            _time = Selector(rule?.Time);
            _body = Selector(rule?.Body);
            _drop = Selector(rule?.Drop);
        }

        public IElement? Headline { get; private set; }
        public IElement? Time { get; private set; }
        public IElement? Body { get; private set; }
        public List<IElement> Drop { get; } = [];

        public static RuleMatches For(SourceRule? rule) => new(rule);

        /// <summary>Records what <paramref name="element"/> matches; true when the rule drops it.</summary>
        public bool Check(IElement element)
        {
            if (_headline is null && _time is null && _body is null && _drop is null)
            {
                return false;
            }

            var hasClass = element.HasAttribute("class");
            if (_headline is not null && Headline is null && _headline.Matches(element, hasClass))
            {
                Headline = element;
            }

            if (_time is not null && Time is null && _time.Matches(element, hasClass))
            {
                Time = element;
            }

            if (_body is not null && Body is null && _body.Matches(element, hasClass))
            {
                Body = element;
            }

            if (_drop is not null && _drop.Matches(element, hasClass))
            {
                Drop.Add(element);
                return true;
            }

            return false;
        }

        private static RuleSelector? Selector(string? text) =>
            text is null ? null : Parsed.GetOrAdd(text, static t =>
                new AngleSharp.Css.Parser.CssSelectorParser().ParseSelector(t) is { } parsed ? new RuleSelector(parsed, RequiresClass(t)) : null);

        /// <summary>
        /// True when every selector of the list ends in a compound with a class (<c>.drop</c>, <c>article.story</c>,
        /// <c>.box .date</c>): only elements with a class attribute can match it. AngleSharp's class test builds the
        /// element's class list even when it has none, so the walk asks such selectors of classed elements alone.
        /// Anything less plain (pseudo-classes, attributes, escapes) is asked of every element.
        /// </summary>
        internal static bool RequiresClass(string selector)
        {
            if (selector.AsSpan().IndexOfAny("([:\\\"'") >= 0)
            {
                return false;
            }

            foreach (var part in selector.Split(','))
            {
                var list = part.AsSpan().Trim();
                var compound = list[(list.LastIndexOfAny(" \t\n\r\f>+~") + 1)..];
                if (!compound.Contains('.'))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed record RuleSelector(AngleSharp.Css.Dom.ISelector Selector, bool RequiresClass)
    {
        public bool Matches(IElement element, bool hasClass) => (hasClass || !RequiresClass) && Selector.Match(element, null);
    }

    /// <summary>What the generic reading needs from a page, collected in one walk over its elements.</summary>
    private sealed class Inventory
    {
        private readonly Dictionary<string, string> _metas = new(StringComparer.OrdinalIgnoreCase);

        public List<IElement> Headings { get; } = [];
        public List<IElement> ArticleBodies { get; } = [];
        public List<IElement> Paragraphs { get; } = [];
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
                case "p" or "pre" or "blockquote" or "div" or "td":
                    Paragraphs.Add(element);
                    break;
            }

            if (element.GetAttribute("itemprop") is { } itemprop)
            {
                if (itemprop == "articleBody")
                {
                    ArticleBodies.Add(element);
                }
                else if (itemprop == "datePublished" && element.GetAttribute("datetime") is { } datetime)
                {
                    ItemPropTime ??= datetime;
                }
            }
        }

        /// <summary><c>article:published_time</c> and kin, JSON-LD <c>datePublished</c>, <c>itemprop=datePublished</c>, the first <c>time[datetime]</c>.</summary>
        public string? MachineTime()
        {
            foreach (var key in (ReadOnlySpan<string>)["article:published_time", "datePublished", "pubdate", "publishdate", "date"])
            {
                if (Normalize(Meta(key)) is { } value)
                {
                    return value;
                }
            }

            foreach (var json in JsonLd)
            {
                if (JsonLdDatePublished(json) is { } value)
                {
                    return value;
                }
            }

            return Normalize(ItemPropTime) ?? Normalize(TimeDatetime);
        }
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
    private static IElement? ChooseBody(IDocument document, Inventory inventory, TextSizes sizes)
    {
        if (inventory.ArticleBodies is [var marked] && marked.ParentElement is not null)
        {
            return marked;
        }

        var scores = new Dictionary<IElement, double>();
        foreach (var paragraph in inventory.Paragraphs)
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

            var score = 1 + Commas(paragraph) + Math.Min(length / 100.0, 3);
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

    /// <summary>The commas of the node's <c>TextContent</c>, counted in its text nodes without building the string.</summary>
    private static int Commas(INode node)
    {
        if (node is IText text)
        {
            return text.Data.AsSpan().Count(',');
        }

        var count = 0;
        var children = node.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            count += Commas(children[i]);
        }

        return count;
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
        private readonly Dictionary<IElement, (int Text, int Linked, int Links)> _sizes;

        private TextSizes(int capacity) => _sizes = new(capacity, ReferenceEqualityComparer.Instance);

        /// <summary><paramref name="elements"/>: about how many elements there are (sized once instead of grown).</summary>
        public static TextSizes Measure(IElement? root, int elements, bool insideLink = false)
        {
            var sizes = new TextSizes(elements);
            if (root is not null)
            {
                sizes.Visit(root, insideLink);
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
            var children = element.ChildNodes;
            for (var i = 0; i < children.Length; i++)
            {
                var child = children[i];
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

    /// <summary>Asked of every element the line writer visits: the words of class, id and role, looked up as spans.</summary>
    private static bool IsFurniture(IElement element) =>
        HasFurnitureWord(element.ClassName) || HasFurnitureWord(element.Id) || HasFurnitureWord(element.GetAttribute("role"))
        || element.GetAttribute("aria-hidden") == "true" || element.HasAttribute("hidden");

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> FurnitureWordSpans =
        FurnitureWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static bool HasFurnitureWord(string? attribute)
    {
        if (string.IsNullOrEmpty(attribute))
        {
            return false;
        }

        var rest = attribute.AsSpan();
        while (rest.Length > 0)
        {
            var end = rest.IndexOfAny(' ', '-', '_');
            var word = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (word.Length > 0 && FurnitureWordSpans.Contains(word.TrimEnd("0123456789")))
            {
                return true;
            }
        }

        return false;
    }

    private static int WordCount(string text) => WireArticleCleaner.CountWords(text);

    /// <summary>Whitespace runs collapsed to one space and the ends trimmed; null when nothing is left.</summary>
    internal static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (IsNormal(text))
        {
            return text; // most text nodes already are: no copy
        }

        var result = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = result.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                result.Append(' ');
                pendingSpace = false;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    private static bool IsNormal(string text)
    {
        if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return false;
        }

        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (text[i] != ' ' || text[i - 1] == ' '))
            {
                return false;
            }
        }

        return true;
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

            var children = element.ChildNodes;
            for (var i = 0; i < children.Length; i++)
            {
                Write(children[i]);
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
