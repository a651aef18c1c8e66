using AngleSharp.Dom;

namespace Wirewatch.Cleaning.Html;

/// <summary>The generic reading's headline: the article's h1, else <c>og:title</c>, else <c>&lt;title&gt;</c> without the site's name.</summary>
internal static class HeadlineChooser
{
    /// <summary>The h1 that looks like the article's (most words, outside navigation), or null.</summary>
    public static IElement? Choose(List<IElement> headings)
    {
        var candidates = headings
            .Where(h => !ElementKinds.HasAncestor(h, "nav", "footer", "aside"))
            .Select(h => (Element: h, Words: WireArticleCleaner.CountWords(h.TextContent)))
            .Where(h => h.Words >= 2)
            .ToList();
        return candidates.Count == 0 ? null : candidates.MaxBy(c => c.Words).Element;
    }

    public static string? TitleWithoutSite(string? title)
    {
        var text = Whitespace.Normalize(title);
        if (text is null)
        {
            return null;
        }

        // "Headline | Site", "Headline - Site", "Site : Headline": the longest part is the headline.
        var parts = text.Split([" | ", " - ", " \u2013 ", " \u2014 ", " : "], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? null : parts.MaxBy(p => p.Length);
    }
}
