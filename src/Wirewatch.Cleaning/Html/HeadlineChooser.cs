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

    private static readonly string[] Separators = [" | ", " - ", " \u2013 ", " \u2014 ", " : ", " :: ", " \u00BB ", " \u00B7 "];

    /// <summary>
    /// <c>&lt;title&gt;</c> without the site's name: "Headline - Breitbart", "Headline | CNN", "CNN : Headline",
    /// "Headline - Politics - Site". A part is the site's when it equals <paramref name="siteName"/> (<c>og:site_name</c>)
    /// or names the host; with no such part, a short last part (four words at most) after the only separator. A dash
    /// inside the headline stays.
    /// </summary>
    public static string? TitleWithoutSite(string? title, string? siteName = null, string? host = null)
    {
        var text = Whitespace.Normalize(title);
        if (text is null)
        {
            return null;
        }

        var original = text;
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var separator in Separators)
            {
                var last = text.LastIndexOf(separator, StringComparison.Ordinal);
                if (last > 0 && IsSiteName(text[(last + separator.Length)..], siteName, host) && last >= 10)
                {
                    text = text[..last].TrimEnd();
                    changed = true;
                    break;
                }

                var first = text.IndexOf(separator, StringComparison.Ordinal);
                if (first > 0 && IsSiteName(text[..first], siteName, host) && text.Length - first > 10)
                {
                    text = text[(first + separator.Length)..].TrimStart();
                    changed = true;
                    break;
                }
            }
        }

        if (ReferenceEquals(text, original))
        {
            // No part names the site: a short last part after the only separator is its name ("Headline - Breitbart").
            foreach (var separator in Separators)
            {
                var at = text.IndexOf(separator, StringComparison.Ordinal);
                if (at >= 10 && at == text.LastIndexOf(separator, StringComparison.Ordinal)
                    && IsShortName(text[(at + separator.Length)..]))
                {
                    return text[..at].TrimEnd();
                }
            }
        }

        return text;
    }

    private static bool IsShortName(string part) => WireArticleCleaner.CountWords(part) <= 4 && part.Trim().Length <= 30;

    private static bool IsSiteName(string part, string? siteName, string? host)
    {
        part = part.Trim();
        if (part.Length == 0)
        {
            return false;
        }

        if (siteName is not null && string.Equals(part, siteName.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var squeezed = new string(part.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        if (host is not null && squeezed.Length >= 3 && host.Replace(".", "", StringComparison.Ordinal).Contains(squeezed, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return false;
    }
}
