using System.Text;

namespace Wirewatch.Cleaning.Stories;

/// <summary>
/// What the story matcher compares: a MinHash signature of the body's word 3-shingles (64 minimums; equal slots
/// estimate the Jaccard similarity of two shingle sets), the number of shingles, and the headline's content words.
/// </summary>
public sealed record StoryFingerprint(ulong[] MinHash, int Shingles, IReadOnlySet<string> HeadlineWords)
{
    public const int Size = 64;
    private const int ShingleWords = 3;

    // Fixed multipliers and offsets (SplitMix64 from a constant seed): fingerprints must compare across processes and releases.
    private static readonly (ulong A, ulong B)[] Permutations = CreatePermutations();

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "of", "to", "in", "on", "at", "for", "and", "or", "with", "by", "as", "is", "are", "was", "were",
        "be", "its", "it", "from", "over", "after", "says", "said", "say", "amid", "into", "s", "n", "u",
    };

    public static StoryFingerprint Of(string headline, IReadOnlyList<string> paragraphs)
    {
        var words = new List<string>();
        foreach (var paragraph in paragraphs)
        {
            Words(paragraph, words);
        }

        var minimums = new ulong[Size];
        Array.Fill(minimums, ulong.MaxValue);
        var shingles = new HashSet<ulong>();
        for (var i = 0; i + ShingleWords <= words.Count; i++)
        {
            var hash = Fnv1a(words[i], words[i + 1], words[i + 2]);
            if (!shingles.Add(hash))
            {
                continue;
            }

            for (var p = 0; p < Size; p++)
            {
                var value = unchecked(Permutations[p].A * hash + Permutations[p].B);
                if (value < minimums[p])
                {
                    minimums[p] = value;
                }
            }
        }

        var headlineWords = new List<string>();
        Words(headline, headlineWords);
        return new StoryFingerprint(minimums, shingles.Count, headlineWords.Where(w => !StopWords.Contains(w)).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Estimated share of the smaller article's shingles that the other one has too (0..1).</summary>
    public double Containment(StoryFingerprint other)
    {
        if (Shingles == 0 || other.Shingles == 0)
        {
            return 0;
        }

        var equal = 0;
        for (var i = 0; i < Size; i++)
        {
            if (MinHash[i] == other.MinHash[i])
            {
                equal++;
            }
        }

        var jaccard = (double)equal / Size;
        var common = jaccard * (Shingles + other.Shingles) / (1 + jaccard);
        return Math.Min(1, common / Math.Min(Shingles, other.Shingles));
    }

    /// <summary>Jaccard similarity of the two headlines' content words (0..1).</summary>
    public double HeadlineSimilarity(StoryFingerprint other)
    {
        if (HeadlineWords.Count == 0 || other.HeadlineWords.Count == 0)
        {
            return 0;
        }

        var common = HeadlineWords.Count(other.HeadlineWords.Contains);
        return (double)common / (HeadlineWords.Count + other.HeadlineWords.Count - common);
    }

    public byte[] MinHashBytes()
    {
        var bytes = new byte[Size * sizeof(ulong)];
        Buffer.BlockCopy(MinHash, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    public static ulong[] MinHashFrom(byte[] bytes)
    {
        var values = new ulong[Size];
        Buffer.BlockCopy(bytes, 0, values, 0, Math.Min(bytes.Length, values.Length * sizeof(ulong)));
        return values;
    }

    /// <summary>Lower-case words of letters and digits; "N. Korea's" gives "n", "korea", "s".</summary>
    private static void Words(string text, List<string> words)
    {
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }
    }

    private static ulong Fnv1a(string a, string b, string c)
    {
        var hash = 14695981039346656037UL;
        foreach (var word in (ReadOnlySpan<string>)[a, b, c])
        {
            foreach (var ch in word)
            {
                hash = unchecked((hash ^ ch) * 1099511628211UL);
            }

            hash = unchecked((hash ^ ' ') * 1099511628211UL);
        }

        return hash;
    }

    private static (ulong, ulong)[] CreatePermutations()
    {
        var state = 0x5EED_0F_57_0E1E5UL;
        ulong Next()
        {
            state = unchecked(state + 0x9E3779B97F4A7C15UL);
            var z = state;
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return z ^ (z >> 31);
        }

        return Enumerable.Range(0, Size).Select(_ => (Next() | 1, Next())).ToArray();
    }
}
