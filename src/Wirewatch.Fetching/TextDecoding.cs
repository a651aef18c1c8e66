using System.Text;
using System.Text.RegularExpressions;

namespace Wirewatch.Fetching;

/// <summary>
/// Bytes to text without silent mojibake. Order: the source's <c>encoding</c> override, the BOM (UTF-8, UTF-16 and
/// UTF-32 in either byte order), UTF-16/32 without a BOM (sniffed from the zero bytes), strict UTF-8 when the bytes
/// hold any non-ASCII UTF-8, then for an XML document its declaration before the HTTP charset and for a page the HTTP
/// charset before <c>&lt;meta charset&gt;</c>/<c>http-equiv</c>, then ASCII, EUC-KR/CP949 last (Korean wires are the first target). A declaration the bytes contradict is skipped;
/// bytes that no candidate decodes cleanly are refused (<c>undecodable</c>) rather than published as garbage.
/// Legacy code pages work because the code-pages provider is registered.
/// </summary>
public static partial class TextDecoding
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static bool IsKnown(string name) => Find(name) is not null;

    /// <param name="declaredCharset">The HTTP Content-Type charset, if any.</param>
    /// <param name="overrideCharset">The source's <c>encoding</c>: trusted over everything the server says.</param>
    /// <param name="lastResort">Read with this charset when nothing else decodes cleanly, instead of refusing (feeds: windows-1252, as feedparser does).</param>
    public static (string Text, string Charset) Decode(ReadOnlySpan<byte> bytes, string? declaredCharset, string? overrideCharset = null, string? lastResort = null)
    {
        if (Find(overrideCharset) is { } forced)
        {
            return (forced.GetString(bytes), NameOf(forced));
        }

        if (Unicode(bytes) is { } unicode)
        {
            var (encoding, bom) = unicode;
            if (TryStrict(encoding, bytes[bom..], out var wide))
            {
                return (wide, NameOf(encoding));
            }

            if (bom == 3)
            {
                return (Encoding.UTF8.GetString(bytes[3..]), "utf-8"); // A UTF-8 BOM says enough; a stray bad byte becomes U+FFFD.
            }
        }

        // EBCDIC (XML 1.0 appendix F: "<?xm" is 4C 6F A7 94): its declaration, read in code page 37, names the variant.
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x4C, 0x6F, 0xA7, 0x94]))
        {
            var ebcdic = Encoding.GetEncoding(37);
            var declared = Find(Sniff(Encoding.ASCII.GetBytes(ebcdic.GetString(bytes[..Math.Min(bytes.Length, 512)]))));
            var variant = declared is not null && declared.GetBytes("<?")[0] == 0x4C && declared.GetBytes("<?")[1] == 0x6F ? declared : ebcdic;
            return (variant.GetString(bytes), NameOf(variant));
        }

        // Valid multi-byte UTF-8 is practically never real legacy text (EUC-KR lead bytes are not UTF-8 lead bytes):
        // a legacy label on it is a wrong label.
        if (!Ascii.IsValid(bytes) && TryStrict(StrictUtf8, bytes, out var utf8))
        {
            return (utf8, "utf-8");
        }

        // An XML document's own declaration first (feeds are often served with a server-wide default charset),
        // else the HTTP charset before what an HTML page declares.
        var documentCharset = Sniff(bytes);
        var xml = bytes.TrimStart(" \t\r\n"u8).StartsWith("<?xml"u8);
        Encoding?[] candidates = xml ? [Find(documentCharset), Find(declaredCharset)] : [Find(declaredCharset), Find(documentCharset)];
        foreach (var candidate in candidates)
        {
            // A UTF-16/32 label on bytes that are not wide (no BOM, no zero bytes) is a wrong label.
            if (candidate is not null and not (UnicodeEncoding or UTF32Encoding) && TryStrict(candidate, bytes, out var text))
            {
                return (text, NameOf(candidate));
            }
        }

        if (Ascii.IsValid(bytes))
        {
            return (Encoding.ASCII.GetString(bytes), "utf-8");
        }

        var korean = Encoding.GetEncoding(949, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        if (TryStrict(korean, bytes, out var sniffedKorean))
        {
            return (sniffedKorean, "euc-kr");
        }

        if (Find(lastResort) is { } fallback)
        {
            return (fallback.GetString(bytes), NameOf(fallback));
        }

        throw new FetchFailedException("undecodable", "The body is not valid in its declared charset, UTF-8 or EUC-KR; set the source's 'encoding'.");
    }

    /// <summary>
    /// UTF-8/16/32 by their byte-order mark, or UTF-16/32 without one by the zero bytes around the first character
    /// (XML 1.0 appendix F: a document starts with <c>&lt;</c>, whitespace or, for JSON, <c>{</c>, all ASCII).
    /// Returns the encoding and the length of the mark.
    /// </summary>
    public static (Encoding Encoding, int Bom)? Unicode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]))
        {
            return (new UTF32Encoding(false, false, true), 4);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]))
        {
            return (new UTF32Encoding(true, false, true), 4);
        }

        if (bytes.StartsWith("\uFEFF"u8))
        {
            return (StrictUtf8, 3);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (new UnicodeEncoding(false, false, true), 2);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (new UnicodeEncoding(true, false, true), 2);
        }

        if (bytes.Length < 4)
        {
            return null;
        }

        return (bytes[0], bytes[1], bytes[2], bytes[3]) switch
        {
            (not 0, 0, 0, 0) => (new UTF32Encoding(false, false, true), 0),
            (0, 0, 0, not 0) => (new UTF32Encoding(true, false, true), 0),
            (not 0, 0, not 0, 0) => (new UnicodeEncoding(false, false, true), 0),
            (0, not 0, 0, not 0) => (new UnicodeEncoding(true, false, true), 0),
            _ => null,
        };
    }

    private static bool TryStrict(Encoding encoding, ReadOnlySpan<byte> bytes, out string text)
    {
        var strict = encoding.DecoderFallback is DecoderExceptionFallback
            ? encoding
            : Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        try
        {
            text = strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>The WHATWG reading of legacy labels: "euc-kr" pages are really CP949 (its superset), reported as euc-kr.</summary>
    private static Encoding? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var label = name.Trim().Trim('"', '\'').ToLowerInvariant();
        try
        {
            return label is "euc-kr" or "ks_c_5601-1987" or "cp949" or "windows-949" ? Encoding.GetEncoding(949) : Encoding.GetEncoding(label);
        }
        catch (ArgumentException)
        {
            return Alias(label);
        }
    }

    /// <summary>Labels the web uses that .NET does not know by name: <c>utf8</c>, <c>cp1250</c>, <c>866</c>, <c>csibm866</c>, <c>mac</c>, <c>ucs-4</c>.</summary>
    private static Encoding? Alias(string label)
    {
        var known = label switch
        {
            "utf8" => "utf-8",
            "mac" or "csmacintosh" or "x-mac-roman" or "macroman" => "macintosh",
            "ucs-4" or "ucs4" or "iso-10646-ucs-4" => "utf-32",
            "latin-1" => "iso-8859-1",
            _ => null,
        };
        if (known is not null)
        {
            return Encoding.GetEncoding(known);
        }

        var number = CodePageNumber().Match(label);
        try
        {
            return number.Success ? Encoding.GetEncoding(int.Parse(number.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)) : null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static string NameOf(Encoding encoding) => encoding.CodePage == 949 ? "euc-kr" : encoding.WebName.ToLowerInvariant();

    /// <summary>The charset a document declares in its first few kilobytes, read as ASCII.</summary>
    private static string? Sniff(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 4096)]);
        var match = DeclaredCharset().Match(head);
        return match.Success ? match.Groups["charset"].Value : null;
    }

    [GeneratedRegex(@"^(?:cp|ibm|csibm|cspcp?|windows-|x-cp|ms)?[-_]?(?<n>[0-9]{3,5})(?:[a-z]*)$")]
    private static partial Regex CodePageNumber();

    [GeneratedRegex("""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["'])(?<charset>[A-Za-z0-9_.:-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex DeclaredCharset();
}
