using AngleSharp.Html.Parser;

namespace Wirewatch.Cleaning;

/// <summary>
/// What the layout parser reads: lines of text (blank lines separate blocks), plus the headline and time when the
/// markup states them. Text renderings become lines as they are; HTML goes through AngleSharp first.
/// </summary>
internal sealed record PageText(IReadOnlyList<string> Lines, string? Headline, DateTimeOffset? PublishedAt)
{
    private static readonly string[] Noise =
        ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button"];

    private const string BodySelectors = "article, [itemprop=articleBody], .story-news, .article-body, main";

    public static PageText FromText(string text) =>
        new(text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).ToList(), null, null);

    public static PageText FromHtml(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var headline = Normalize(document.QuerySelector("h1")?.TextContent)
                       ?? Normalize(document.QuerySelector("meta[property='og:title']")?.GetAttribute("content"))
                       ?? Normalize(document.Title);
        var published = ParseTime(document.QuerySelector("meta[property='article:published_time']")?.GetAttribute("content"))
                        ?? ParseTime(document.QuerySelector("time[datetime]")?.GetAttribute("datetime"));

        foreach (var element in document.QuerySelectorAll(string.Join(',', Noise)).ToList())
        {
            element.Remove();
        }

        var root = document.QuerySelector(BodySelectors) ?? document.Body;
        var lines = new List<string>();
        if (root is not null)
        {
            foreach (var block in root.QuerySelectorAll("p, h2, h3, h4, li, blockquote, pre"))
            {
                if (block.QuerySelector("p, li, blockquote") is not null)
                {
                    continue; // Its inner blocks are read on their own.
                }

                var text = Normalize(block.TextContent);
                if (text is not null)
                {
                    lines.Add(text);
                    lines.Add("");
                }
            }
        }

        // Headline first, as in a text rendering, so that the layout parser sees one shape.
        if (headline is not null)
        {
            lines.InsertRange(0, [headline, ""]);
        }

        return new PageText(lines, headline, published);
    }

    private static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t)
            ? t
            : null;
}
