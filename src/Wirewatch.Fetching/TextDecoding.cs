using System.Text;
using System.Text.RegularExpressions;

namespace Wirewatch.Fetching;

/// <summary>
/// Bytes to text without silent mojibake. Order: the source's <c>encoding</c> override, the BOM, the HTTP charset,
/// what the document declares (<c>&lt;meta charset&gt;</c>, <c>http-equiv</c>, the XML declaration), then sniffing:
/// strict UTF-8 first when the bytes hold any non-ASCII UTF-8, EUC-KR/CP949 last (Korean wires are the first target). A declaration the bytes contradict is skipped;
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
    public static (string Text, string Charset) Decode(ReadOnlySpan<byte> bytes, string? declaredCharset, string? overrideCharset = null)
    {
        if (Find(overrideCharset) is { } forced)
        {
            return (forced.GetString(bytes), NameOf(forced));
        }

        if (bytes.StartsWith("\uFEFF"u8))
        {
            return (Encoding.UTF8.GetString(bytes[3..]), "utf-8");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var utf16 = bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            return (utf16.GetString(bytes[2..]), NameOf(utf16));
        }

        // Valid multi-byte UTF-8 is practically never real legacy text (EUC-KR lead bytes are not UTF-8 lead bytes):
        // a legacy label on it is a wrong label.
        if (!Ascii.IsValid(bytes) && TryStrict(StrictUtf8, bytes, out var utf8))
        {
            return (utf8, "utf-8");
        }

        foreach (var candidate in new[] { Find(declaredCharset), Find(Sniff(bytes)) })
        {
            if (candidate is not null && TryStrict(candidate, bytes, out var text))
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

        throw new FetchFailedException("undecodable", "The body is not valid in its declared charset, UTF-8 or EUC-KR; set the source's 'encoding'.");
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
            return null;
        }
    }

    private static string NameOf(Encoding encoding) => encoding.CodePage == 949 ? "euc-kr" : encoding.WebName;

    /// <summary>The charset a document declares in its first few kilobytes, read as ASCII.</summary>
    private static string? Sniff(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 4096)]);
        var match = DeclaredCharset().Match(head);
        return match.Success ? match.Groups["charset"].Value : null;
    }

    [GeneratedRegex("""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["'])(?<charset>[A-Za-z0-9_.:-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex DeclaredCharset();
}
