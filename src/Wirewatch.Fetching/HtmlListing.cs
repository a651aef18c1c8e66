using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Wirewatch.Contracts;

namespace Wirewatch.Fetching;

/// <summary>The article links of an <c>html</c> listing page: the elements a CSS selector picks (links, or elements holding links).</summary>
public static class HtmlListing
{
    public static bool IsValidSelector(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return false;
        }

        try
        {
            new HtmlParser().ParseDocument("<html></html>").QuerySelectorAll(selector);
            return true;
        }
        catch (DomException)
        {
            return false;
        }
    }

    /// <summary>Absolute links in page order, each once, resolved against the page (or its <c>&lt;base href&gt;</c>).</summary>
    public static IReadOnlyList<SourceItem> Links(string html, Uri pageUrl, string selector)
    {
        var document = new HtmlParser().ParseDocument(html);
        var baseUrl = document.QuerySelector("base[href]")?.GetAttribute("href") is { } href && Uri.TryCreate(pageUrl, href, out var b) ? b : pageUrl;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<SourceItem>();
        foreach (var element in document.QuerySelectorAll(selector))
        {
            var anchors = element is IHtmlAnchorElement ? [element] : element.QuerySelectorAll("a[href]").ToArray();
            foreach (var anchor in anchors)
            {
                if (anchor.GetAttribute("href") is not { } link || !Uri.TryCreate(baseUrl, link.Trim(), out var url)
                    || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    continue; // javascript:, mailto:, fragments of nothing: not articles.
                }

                if (seen.Add(CanonicalUrl.Normalize(url.AbsoluteUri)))
                {
                    var title = anchor.TextContent.Trim();
                    items.Add(new SourceItem(url.AbsoluteUri, new FeedHints { Title = title.Length == 0 ? null : title }));
                }
            }
        }

        return items;
    }
}
