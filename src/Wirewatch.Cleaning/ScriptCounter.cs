using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Wirewatch.Cleaning;

/// <summary>
/// Counts Hangul syllables and ASCII letters, which decide whether a page reads as Korean or English. Asked of every line
/// of every page, so it compares eight characters at a time.
/// </summary>
internal static class ScriptCounter
{
    public static void Add(ReadOnlySpan<char> text, ref int hangul, ref int latin)
    {
        var chars = MemoryMarshal.Cast<char, ushort>(text);
        var i = 0;
        if (Vector128.IsHardwareAccelerated && chars.Length >= Vector128<ushort>.Count)
        {
            var hangulFirst = Vector128.Create((ushort)0xAC00);
            var hangulSpan = Vector128.Create((ushort)(0xD7A3 - 0xAC00));
            var lowerA = Vector128.Create((ushort)'a');
            var letterSpan = Vector128.Create((ushort)('z' - 'a'));
            var caseBit = Vector128.Create((ushort)0x20);
            for (; i <= chars.Length - Vector128<ushort>.Count; i += Vector128<ushort>.Count)
            {
                var v = Vector128.Create(chars.Slice(i, Vector128<ushort>.Count));
                // Unsigned wrap-around turns each range test into one comparison; a set lane is all ones.
                hangul += BitOperations.PopCount(Vector128.LessThanOrEqual(v - hangulFirst, hangulSpan).ExtractMostSignificantBits());
                latin += BitOperations.PopCount(Vector128.LessThanOrEqual((v | caseBit) - lowerA, letterSpan).ExtractMostSignificantBits());
            }
        }

        for (; i < chars.Length; i++)
        {
            var c = (char)chars[i];
            if (c is >= '\uAC00' and <= '\uD7A3')
            {
                hangul++;
            }
            else if (char.IsAsciiLetter(c))
            {
                latin++;
            }
        }
    }
}
