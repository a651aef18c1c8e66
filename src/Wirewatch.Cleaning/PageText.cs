using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Wirewatch.Cleaning.Html;

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
        var inventory = new PageInventory();
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

        var headlineElement = ruleHeadline ?? HeadlineChooser.Choose(inventory.Headings);
        var headline = Whitespace.Normalize(headlineElement?.TextContent)
                       ?? HeadlineChooser.TitleWithoutSite(inventory.Meta("og:title"), inventory.Meta("og:site_name"), HostOf(inventory.Canonical))
                       ?? HeadlineChooser.TitleWithoutSite(document.Title, inventory.Meta("og:site_name"), HostOf(inventory.Canonical));
        var stampText = Whitespace.Normalize(timeElement?.GetAttribute("datetime")) ?? Whitespace.Normalize(timeElement?.TextContent);
        var headlineParent = headlineElement?.ParentElement;
        headlineElement?.Remove();
        timeElement?.Remove();

        // With the rule's body, only its subtree is read: the menus and related lists around it need not be measured.
        var ruleBody = matched.Body is { ParentElement: not null } body ? body : null;
        var sizes = ruleBody is null
            ? TextSizes.Measure(document.DocumentElement, inventory.Elements)
            : TextSizes.Measure(ruleBody, inventory.Elements, insideLink: ElementKinds.HasAncestor(ruleBody, "a"));
        var root = ruleBody ?? BodyChooser.Choose(document, inventory, sizes, headlineParent);
        var lines = new List<string>();
        if (headline is not null)
        {
            // Headline first, as in a text rendering, so that the layout reader sees one shape.
            lines.Add(headline);
            lines.Add("");
        }

        if (ruleBody is null && ScriptBuiltBody(root, sizes, inventory) is { } scripted)
        {
            // The markup holds a placeholder ("Loading...", a teaser); the page's JSON-LD holds the article.
            root = Parser.ParseDocument("<body>" + scripted + "</body>").Body;
            sizes = TextSizes.Measure(root, 64);
        }

        if (root is not null)
        {
            var walker = new LineWriter(lines, sizes, Math.Max(1, sizes.Text(root)));
            walker.Write(root, isRoot: true);
            walker.Flush();
        }

        return new PageText(lines, headline, stampText, inventory.MachineTime(), rule);
    }

    /// <summary>Under this many characters of unlinked text the chosen body is a placeholder, when JSON-LD holds a longer article.</summary>
    private const int PlaceholderChars = 400;

    /// <summary>
    /// The JSON-LD <c>articleBody</c>, with its line breaks as paragraphs, when the chosen body is nearly empty and the
    /// JSON-LD text is several times longer; null otherwise (nearly every page: the DOM body is read as it is).
    /// </summary>
    private static string? ScriptBuiltBody(IElement? root, TextSizes sizes, PageInventory inventory)
    {
        var domText = root is null ? 0 : sizes.Unlinked(root);
        if (domText >= PlaceholderChars || inventory.JsonLd.Count == 0 || inventory.JsonLdArticleBody() is not { } body
            || ElementKinds.NonWhitespace(body) < Math.Max(PlaceholderChars, 3 * domText))
        {
            return null;
        }

        // Plain text with line breaks (most sites) or HTML (some): either way, blocks become lines.
        return body.Contains('<', StringComparison.Ordinal)
            ? body
            : string.Concat(body.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => "<p>" + System.Net.WebUtility.HtmlEncode(p) + "</p>"));
    }

    private static string? HostOf(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host.Replace("www.", "", StringComparison.OrdinalIgnoreCase) : null;

    /// <summary>Elements in document order (what <c>document.All</c> yields), each given to the rule's selectors and, unless dropped, to the inventory.</summary>
    private static void Walk(IElement element, RuleMatches matched, PageInventory inventory, bool dropped)
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
}
