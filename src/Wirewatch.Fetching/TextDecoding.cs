using System.Text;
using System.Text.RegularExpressions;

namespace Wirewatch.Fetching;

/// <summary>
/// Bytes to text: the BOM, then the HTTP charset, then what the document declares (meta charset, XML declaration),
/// then UTF-8. Legacy code pages such as EUC-KR work because the code-pages provider is registered.
/// </summary>
public static partial class TextDecoding
{
    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static (string Text, string Charset) Decode(ReadOnlySpan<byte> bytes, string? declaredCharset)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            return (Encoding.UTF8.GetString(bytes[3..]), "utf-8");
        }

        var encoding = Find(declaredCharset) ?? Find(Sniff(bytes)) ?? Encoding.UTF8;
        return (encoding.GetString(bytes), encoding.WebName);
    }

    private static Encoding? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(name.Trim().Trim('"', '\''));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

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
