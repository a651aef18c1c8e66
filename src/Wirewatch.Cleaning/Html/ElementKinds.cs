using AngleSharp.Dom;

namespace Wirewatch.Cleaning.Html;

/// <summary>
/// What kind of element this is, for the generic reading: never text (script, nav, figure, ...), page furniture by its
/// class, id or role (share bars, related lists, ads), or a block that breaks lines.
/// </summary>
internal static class ElementKinds
{
    /// <summary>Never article text, wherever they are (a set, not a selector: it is asked of every element).</summary>
    public static readonly HashSet<string> NoiseTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe", "svg", "button", "select",
        "input", "label", "figure", "figcaption", "dialog", "header",
    };

    /// <summary>Class or id words that mark page furniture: share bars, related lists, cookie banners, ads, widgets.</summary>
    public static readonly HashSet<string> FurnitureWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "share", "sharing", "social", "sns", "related", "relate", "recommend", "recommended", "cookie", "cookies", "consent",
        "gdpr", "newsletter", "subscribe", "subscription", "promo", "advert", "advertisement", "ad", "ads", "adslot",
        "adunit", "banner", "comment", "comments", "feedback", "breadcrumb", "breadcrumbs", "menu", "navbar", "nav",
        "sidebar", "popular", "trending", "mostread", "caption", "byline", "toolbar", "util", "utility", "print",
        "fontsize", "copyright", "modal", "popup", "overlay", "sr-only", "skip", "outbrain", "taboola", "tags", "keywords",
        "author", "reporter", "footer", "header", "masthead", "video", "player", "gallery", "signup", "login", "prev", "recent",
    };

    public static readonly HashSet<string> BlockTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
        "blockquote", "pre", "table", "tr", "td", "th", "hr", "address", "center",
    };

    /// <summary>
    /// Asked of every element the line writer visits: the words of class, id and role, looked up as spans. A table row's
    /// class names its data (<c>class="oddrow player-2020"</c> in a results table), not furniture.
    /// </summary>
    public static bool IsFurniture(IElement element) =>
        (element.LocalName != "tr" && (HasFurnitureWord(element.ClassName) || HasFurnitureWord(element.Id) || HasFurnitureWord(element.GetAttribute("role"))) && !IsEmbed(element))
        || IsHidden(element);

    /// <summary>
    /// An embedded post the article quotes (<c>class="social-media-embed"</c> around a tweet): content, though its class
    /// says "social". An embedded picture (<c>InlineImage-imageEmbedCaption</c>) is a figure, not a post.
    /// </summary>
    public static bool IsEmbed(IElement element) =>
        element.ClassName is { } c && c.Contains("embed", StringComparison.OrdinalIgnoreCase) && !HasWord(c, PictureWordSpans);

    /// <summary>A wrapper whose child is a quoted post: <c>blockquote class="twitter-tweet"</c>, <c>instagram-media</c>, <c>tiktok-embed</c>.</summary>
    public static bool WrapsQuotedPost(IElement element)
    {
        for (var child = element.FirstElementChild; child is not null; child = child.NextElementSibling)
        {
            if (child.LocalName == "blockquote" && child.ClassName is { } c
                && (c.Contains("tweet", StringComparison.OrdinalIgnoreCase) || c.Contains("instagram", StringComparison.OrdinalIgnoreCase)
                    || c.Contains("embed", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly HashSet<string> PictureWords = new(StringComparer.OrdinalIgnoreCase) { "image", "img", "photo", "picture", "caption" };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> PictureWordSpans = PictureWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> FurnitureWordSpans =
        FurnitureWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static bool HasFurnitureWord(string? attribute) => HasWord(attribute, FurnitureWordSpans);

    /// <summary>Whether a class or id holds one of <paramref name="words"/> as a word (split on space, dash, underscore; trailing digits ignored).</summary>
    internal static bool HasWord(string? attribute, HashSet<string>.AlternateLookup<ReadOnlySpan<char>> words)
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
            if (word.Length > 0 && (words.Contains(word.TrimEnd("0123456789")) || HasCamelWord(word, words)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The parts of a camel-case name (<c>newsCaption</c>, <c>NewsletterModule</c>, <c>authorInfo</c>).</summary>
    private static bool HasCamelWord(ReadOnlySpan<char> word, HashSet<string>.AlternateLookup<ReadOnlySpan<char>> words)
    {
        var start = 0;
        for (var i = 1; i < word.Length; i++)
        {
            if (char.IsUpper(word[i]) && char.IsLower(word[i - 1]))
            {
                if (words.Contains(word[start..i].TrimEnd("0123456789")))
                {
                    return true;
                }

                start = i;
            }
        }

        return start > 0 && words.Contains(word[start..].TrimEnd("0123456789"));
    }

    /// <summary>Characters that are not white space.</summary>
    internal static int NonWhitespace(string data)
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

    /// <summary>Not shown to a reader: <c>hidden</c>, <c>aria-hidden</c>, or an inline <c>display:none</c> (schema.org copies of the headline, dates, image sizes).</summary>
    public static bool IsHidden(IElement element)
    {
        if (element.Attributes.Length == 0)
        {
            return false; // most elements: no attribute lookups at all
        }

        if (element.GetAttribute("aria-hidden") == "true" || element.HasAttribute("hidden"))
        {
            return true;
        }

        var style = element.GetAttribute("style");
        if (string.IsNullOrEmpty(style))
        {
            return false;
        }

        var compact = style.Replace(" ", "", StringComparison.Ordinal);
        return compact.Contains("display:none", StringComparison.OrdinalIgnoreCase) || compact.Contains("visibility:hidden", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when the element or one of its ancestors is never article text.</summary>
    public static bool IsNoise(IElement element)
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

    public static bool HasAncestor(IElement element, params string[] tags)
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
}
