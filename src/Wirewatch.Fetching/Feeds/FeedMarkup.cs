using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace Wirewatch.Fetching;

/// <summary>
/// A feed's XML as a small tree of elements, read as leniently as the Universal Feed Parser reads it and never less
/// safely: DTDs are cut out before parsing and ignored by the reader (no external entity is resolved, no entity is
/// expanded: an XXE file read or an entity bomb is inert text); HTML entities such as <c>&amp;nbsp;</c> become their
/// characters, undefined ones stay as text; stray bytes before the root, control characters and bare ampersands are
/// repaired; undeclared namespace prefixes are fine (names are read as written). A document that breaks off or nests
/// badly keeps what was read before the break: <see cref="Read"/> says where it stopped.
/// </summary>
internal static partial class FeedMarkup
{
    private static readonly System.Buffers.SearchValues<char> ControlCharacterValues = System.Buffers.SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\uFFFE\uFFFF");

    /// <summary>Deeper than this is no feed; the limit keeps recursion over the tree safe from a hostile document.</summary>
    private const int MaxDepth = 256;

    /// <returns>The tree read, the first XML error if any, and how many elements were still open at that error
    /// (at most 1: the document broke off after its last child closed, e.g. a missing <c>&gt;</c> on the root's end tag).</returns>
    public static (FeedElement? Root, string? Error, int OpenAtError) Read(string xml)
    {
        var repaired = Repair(xml);
        var reader = new XmlTextReader(new StringReader(repaired))
        {
            Namespaces = false,              // dc:date without xmlns:dc is common; names are matched by their local part.
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            Normalization = false,
            WhitespaceHandling = WhitespaceHandling.Significant,
        };

        FeedElement? root = null;
        var open = new Stack<FeedElement>();
        try
        {
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        var element = new FeedElement(reader.Name, open.Count > 0 ? open.Peek() : null);
                        if (reader.HasAttributes)
                        {
                            while (reader.MoveToNextAttribute())
                            {
                                element.Attributes[reader.Name] = reader.Value;
                            }

                            reader.MoveToElement();
                        }

                        if (open.Count > 0)
                        {
                            open.Peek().Children.Add(element);
                        }
                        else
                        {
                            root = element;
                        }

                        if (!reader.IsEmptyElement)
                        {
                            if (open.Count >= MaxDepth)
                            {
                                return (root, $"elements nested deeper than {MaxDepth}", open.Count);
                            }

                            open.Push(element);
                        }

                        break;
                    case XmlNodeType.EndElement:
                        if (open.Count > 0)
                        {
                            open.Pop();
                        }

                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace:
                        if (open.Count > 0)
                        {
                            open.Peek().Append(reader.Value);
                        }

                        break;
                }
            }

            return (root, null, 0);
        }
        catch (XmlException e)
        {
            return (root, e.Message, open.Count);
        }
    }

    /// <summary>Makes the text well-formed where a feed is commonly not, without changing what a good feed says.</summary>
    internal static string Repair(string xml)
    {
        var start = RootStart(xml);
        var text = start > 0 ? xml[start..] : xml;
        text = CutDoctype(text);
        text = XmlDeclaration().Replace(text, "", 1); // The text is decoded already: its encoding label no longer applies.
        if (text.AsSpan().IndexOfAny(ControlCharacterValues) >= 0)
        {
            text = ControlCharacters().Replace(text, "");
        }

        // Entities and ampersands outside CDATA sections and comments.
        var result = new StringBuilder(text.Length + 64);
        var last = 0;
        foreach (Match verbatim in Verbatim().Matches(text))
        {
            RepairEntities(text.AsSpan(last, verbatim.Index - last), result);
            result.Append(verbatim.Value);
            last = verbatim.Index + verbatim.Length;
        }

        RepairEntities(text.AsSpan(last), result);
        return result.ToString();
    }

    /// <summary>
    /// The first DOCTYPE cut out, internal subset and all: it ends at the first <c>&gt;</c> when it has no subset, else at
    /// the first <c>]</c> followed by <c>&gt;</c> (whitespace between). Found by scanning once: a pattern tried at every
    /// <c>&lt;!DOCTYPE [</c> of a document made of them would take quadratic time. One that never closes stays, and
    /// the reader stops at it.
    /// </summary>
    internal static string CutDoctype(string text)
    {
        var start = text.IndexOf("<!DOCTYPE", StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return text;
        }

        var next = text.AsSpan(start + 9).IndexOfAny('[', '>');
        if (next < 0)
        {
            return text;
        }

        var at = start + 9 + next;
        if (text[at] == '[')
        {
            while (true)
            {
                var close = text.IndexOf(']', at + 1);
                if (close < 0)
                {
                    return text;
                }

                var after = close + 1;
                while (after < text.Length && char.IsWhiteSpace(text[after]))
                {
                    after++;
                }

                if (after < text.Length && text[after] == '>')
                {
                    at = after;
                    break;
                }

                at = close;
            }
        }

        return string.Concat(text.AsSpan(0, start), text.AsSpan(at + 1));
    }

    /// <summary>Where the document proper begins: the XML declaration, else the first comment, DOCTYPE or element.</summary>
    private static int RootStart(string xml)
    {
        var declaration = xml.IndexOf("<?xml", StringComparison.OrdinalIgnoreCase);
        var firstTag = FirstTag().Match(xml);
        if (declaration >= 0 && (!firstTag.Success || declaration <= firstTag.Index))
        {
            return declaration;
        }

        return firstTag.Success ? firstTag.Index : 0;
    }

    private static void RepairEntities(ReadOnlySpan<char> span, StringBuilder result)
    {
        if (!span.Contains('&'))
        {
            result.Append(span); // Most text has nothing to repair.
            return;
        }

        var segment = span.ToString();
        result.Append(Entity().Replace(segment, m =>
        {
            if (m.Groups["name"].Success)
            {
                var name = m.Groups["name"].Value;
                if (name is "amp" or "lt" or "gt" or "quot" or "apos")
                {
                    return m.Value;
                }

                var decoded = WebUtility.HtmlDecode(m.Value);
                if (decoded != m.Value && decoded.Length > 0)
                {
                    var builder = new StringBuilder();
                    foreach (var rune in decoded.EnumerateRunes())
                    {
                        builder.Append("&#").Append(rune.Value).Append(';');
                    }

                    return builder.ToString();
                }

                return "&amp;" + m.Value[1..]; // Undefined (or declared in an ignored DTD): kept as the text it was.
            }

            if (m.Groups["num"].Success)
            {
                return IsValidReference(m.Groups["num"].Value) ? m.Value : "&amp;" + m.Value[1..];
            }

            return "&amp;"; // A bare ampersand.
        }));
    }

    private static bool IsValidReference(string number)
    {
        var hex = number.StartsWith('x') || number.StartsWith('X');
        if (!int.TryParse(hex ? number[1..] : number, hex ? System.Globalization.NumberStyles.HexNumber : System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            return false;
        }

        return code is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);
    }

    [GeneratedRegex(@"<(?:[A-Za-z_!?])")]
    private static partial Regex FirstTag();

    [GeneratedRegex(@"^\s*<\?xml[^>]*\?>", RegexOptions.IgnoreCase)]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex(@"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]")]
    private static partial Regex ControlCharacters();

    [GeneratedRegex(@"<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)")]
    private static partial Regex Verbatim();

    [GeneratedRegex(@"&(?:(?<name>[A-Za-z][A-Za-z0-9]{0,31});|#(?<num>[0-9]{1,8}|[xX][0-9A-Fa-f]{1,8});|)")]
    private static partial Regex Entity();
}

/// <summary>One element of a feed: its name as written (prefix included), attributes, children and text.</summary>
internal sealed class FeedElement(string name, FeedElement? parent)
{
    private StringBuilder? _text;
    private Uri? _baseUri;

    public string Name { get; } = name;

    /// <summary>The name without its prefix: <c>date</c> for <c>dc:date</c>.</summary>
    public string Local { get; } = name[(name.LastIndexOf(':') + 1)..];

    public string Prefix { get; } = name.LastIndexOf(':') is var colon and > 0 ? name[..colon] : "";

    public FeedElement? Parent { get; } = parent;

    public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

    public List<FeedElement> Children { get; } = [];

    /// <summary>The element's own text (not its children's).</summary>
    public string Text => _text?.ToString() ?? "";

    public void Append(string text) => (_text ??= new StringBuilder()).Append(text);

    /// <summary>All the text inside, children included (an Atom title of type xhtml).</summary>
    public string InnerText()
    {
        if (Children.Count == 0)
        {
            return Text;
        }

        var all = new StringBuilder(Text);
        foreach (var child in Children)
        {
            all.Append(child.InnerText());
        }

        return all.ToString();
    }

    public string? Attribute(string localName)
    {
        foreach (var (key, value) in Attributes)
        {
            if (key.Equals(localName, StringComparison.OrdinalIgnoreCase)
                || (key.EndsWith(localName, StringComparison.OrdinalIgnoreCase) && key.Length > localName.Length && key[^(localName.Length + 1)] == ':'))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// The first child of that local name, preferring one without a prefix (or with the feed's own <c>rss:</c>/<c>atom:</c>):
    /// <c>&lt;media:title&gt;</c> before <c>&lt;title&gt;</c> is an extension's, not the item's.
    /// </summary>
    public FeedElement? Child(string localName)
    {
        FeedElement? prefixed = null;
        foreach (var child in Children)
        {
            if (child.Local.Equals(localName, StringComparison.OrdinalIgnoreCase))
            {
                if (child.Prefix is "" or "rss" or "atom")
                {
                    return child;
                }

                prefixed ??= child;
            }
        }

        return prefixed;
    }

    public IEnumerable<FeedElement> ChildrenNamed(string localName) => Children.Where(c => c.Local.Equals(localName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The element's <c>xml:base</c> applied over its ancestors', against the feed's own URL.</summary>
    public Uri BaseUri(Uri feedUrl)
    {
        // Kept: many items under one deep chain of xml:base walk it once, not once each. One feed URL per tree.
        if (_baseUri is null)
        {
            var parentBase = Parent?.BaseUri(feedUrl) ?? feedUrl;
            _baseUri = Attributes.TryGetValue("xml:base", out var value) && Uri.TryCreate(parentBase, value.Trim(), out var resolved) ? resolved : parentBase;
        }

        return _baseUri;
    }
}
