using System.Globalization;
using System.Text;

namespace Wirewatch.Cleaning.Evaluation;

/// <summary>
/// The Article Extraction Benchmark's metric (scrapinghub/article-extraction-benchmark, <c>evaluate.py</c>), reproduced
/// exactly: tokens are runs of Python's <c>\w</c> (letters, numbers, underscore: not combining marks, unlike .NET's
/// <c>\w</c>); shingles are runs of 4 tokens (a text of fewer tokens is one shingle of all of them) with their counts;
/// per page tp/fp/fn are the shared, extracted-only and true-only counts, each divided by their sum.
/// </summary>
public static class ShingleMetric
{
    public const int ShingleSize = 4;

    /// <summary>tp, fp and fn of one page, normalised so that they sum to 1 (all 0 when both texts have no token).</summary>
    public static (double Tp, double Fp, double Fn) Match(string? truth, string? extracted)
    {
        var expected = Shingles(truth);
        var predicted = Shingles(extracted);
        double tp = 0, fp = 0, fn = 0;
        foreach (var (shingle, count) in expected)
        {
            var other = predicted.GetValueOrDefault(shingle);
            tp += Math.Min(count, other);
            fn += Math.Max(0, count - other);
        }

        foreach (var (shingle, count) in predicted)
        {
            fp += Math.Max(0, count - expected.GetValueOrDefault(shingle));
        }

        var sum = tp + fp + fn;
        return sum > 0 ? (tp / sum, fp / sum, fn / sum) : (0, 0, 0);
    }

    /// <summary>The benchmark's per-page precision and recall: 1 and 1 when nothing is on either side, 0 and 0 when nothing is shared.</summary>
    public static (double Precision, double Recall) PrecisionRecall(double tp, double fp, double fn)
    {
        if (fp == 0 && fn == 0)
        {
            return (1, 1);
        }

        if (tp == 0)
        {
            return (0, 0);
        }

        return (tp / (tp + fp), tp / (tp + fn));
    }

    public static List<string> Tokens(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var token = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                token.Append(rune.ToString());
            }
            else if (token.Length > 0)
            {
                tokens.Add(token.ToString());
                token.Clear();
            }
        }

        if (token.Length > 0)
        {
            tokens.Add(token.ToString());
        }

        return tokens;
    }

    private static Dictionary<string, int> Shingles(string? text)
    {
        var tokens = Tokens(text).ToArray();
        var shingles = new Dictionary<string, int>(StringComparer.Ordinal);
        // Python: range(0, max(1, len(tokens) - n + 1)), each tokens[i:i+n] kept when not empty.
        for (var i = 0; i < Math.Max(1, tokens.Length - ShingleSize + 1); i++)
        {
            var count = Math.Min(ShingleSize, tokens.Length - i);
            if (count <= 0)
            {
                continue;
            }

            var key = string.Join('\u0001', tokens, i, count); // string[] overload: a List would bind to params object[]
            shingles[key] = shingles.GetValueOrDefault(key) + 1;
        }

        return shingles;
    }

    /// <summary>Python's <c>str.isalnum() or '_'</c>: letters (Lu, Ll, Lt, Lm, Lo) and numbers (Nd, Nl, No).</summary>
    private static bool IsWordRune(Rune rune) => rune.Value == '_' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => false,
    };
}
