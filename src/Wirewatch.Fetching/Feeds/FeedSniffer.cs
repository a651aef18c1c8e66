namespace Wirewatch.Fetching;

/// <summary>
/// What a body is, by its content: the root element after any BOM, whitespace, XML declaration, processing
/// instruction, comment or DOCTYPE (and stray text before them), or a JSON object. Content types lie too often to decide.
/// </summary>
internal static class FeedSniffer
{
    private const int ScanLimit = 256 * 1024;

    public static FeedFormat Detect(string text)
    {
        var span = text.AsSpan(0, Math.Min(text.Length, ScanLimit)).TrimStart("\uFEFF\u200B \t\r\n\f\v\0");
        if (span.IsEmpty)
        {
            return FeedFormat.Empty;
        }

        if (span[0] is '{')
        {
            return FeedFormat.Json; // A JSON object from a feed URL is read as a JSON Feed; its items decide the rest.
        }

        if (span[0] != '<')
        {
            // Stray text before the document (a PHP warning) is forgiven only before an XML declaration.
            var declaration = span.IndexOf("<?xml", StringComparison.OrdinalIgnoreCase);
            if (declaration < 0)
            {
                return FeedFormat.Unknown;
            }

            span = span[declaration..];
        }

        while (true)
        {
            var lt = span.IndexOf('<');
            if (lt < 0 || lt + 1 >= span.Length)
            {
                return FeedFormat.Unknown;
            }

            span = span[lt..];
            if (span.StartsWith("<?"))
            {
                span = After(span, "?>");
            }
            else if (span.StartsWith("<!--"))
            {
                span = After(span, "-->");
            }
            else if (span.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
            {
                if (span[9..].TrimStart().StartsWith("html", StringComparison.OrdinalIgnoreCase))
                {
                    return FeedFormat.Html;
                }

                var subset = span.IndexOf('[');
                var close = span.IndexOf('>');
                span = subset >= 0 && subset < close ? After(After(span, "]"), ">") : After(span, ">");
            }
            else if (span.StartsWith("<!"))
            {
                span = After(span, ">");
            }
            else
            {
                return Root(span[1..]);
            }
        }
    }

    private static FeedFormat Root(ReadOnlySpan<char> tag)
    {
        var end = tag.IndexOfAny(" \t\r\n/>");
        var name = end < 0 ? tag : tag[..end];
        var colon = name.LastIndexOf(':');
        var local = colon >= 0 ? name[(colon + 1)..] : name;
        return local switch
        {
            _ when local.Equals("rss", StringComparison.OrdinalIgnoreCase) || local.Equals("channel", StringComparison.OrdinalIgnoreCase) => FeedFormat.Rss,
            _ when local.Equals("RDF", StringComparison.OrdinalIgnoreCase) => FeedFormat.Rdf,
            _ when local.Equals("feed", StringComparison.OrdinalIgnoreCase) => FeedFormat.Atom,
            _ when local.Equals("html", StringComparison.OrdinalIgnoreCase) || local.Equals("head", StringComparison.OrdinalIgnoreCase)
                   || local.Equals("body", StringComparison.OrdinalIgnoreCase) => FeedFormat.Html,
            _ => FeedFormat.Unknown,
        };
    }

    private static ReadOnlySpan<char> After(ReadOnlySpan<char> span, string marker)
    {
        var at = span.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? [] : span[(at + marker.Length)..];
    }
}
