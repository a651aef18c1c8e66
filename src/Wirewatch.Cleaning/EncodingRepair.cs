using System.Text;
using System.Text.RegularExpressions;

namespace Wirewatch.Cleaning;

/// <summary>
/// Undoes the commonest mojibake: UTF-8 bytes that were decoded as Windows-1252 somewhere upstream
/// ("Kimâ€™s" for "Kim’s", "Ã©" for "é"). Each suspicious run is re-encoded and kept only when it decodes as strict UTF-8.
/// </summary>
internal static partial class EncodingRepair
{
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252,
        EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)!;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    public static bool TryRepair(ref string text)
    {
        // The lead bytes of two- and three-byte UTF-8 sequences read as 1252: cheap to look for, rare in clean text.
        if (text.AsSpan().IndexOfAnyInRange('\u00C2', '\u00F4') < 0)
        {
            return false;
        }

        var changed = false;
        var repaired = Suspect().Replace(text, match =>
        {
            try
            {
                var decoded = StrictUtf8.GetString(Windows1252.GetBytes(match.Value));
                changed = true;
                return decoded;
            }
            catch (Exception e) when (e is EncoderFallbackException or DecoderFallbackException or ArgumentException)
            {
                return match.Value;
            }
        });

        if (changed)
        {
            text = repaired;
        }

        return changed;
    }

    // A UTF-8 lead byte (as 1252: Â..ô) followed by one or more continuation bytes (as 1252: 0x80..0xBF and the
    // punctuation 1252 puts at 0x80..0x9F).
    [GeneratedRegex("""(?:[\u00C2-\u00F4][\u0080-\u00BF\u20AC\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u017D\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u017E\u0178]+)+""")]
    private static partial Regex Suspect();
}
