using System.Text;

namespace Wirewatch.Cleaning.Stories;

/// <summary>
/// What the story matcher compares: the set of the body's word 3-shingles (each as a 32-bit hash, sorted) and the
/// headline's content words. Containment is exact over the stored sets: MinHash signatures were tried first and were too
/// noisy on 50-word URGENT flashes, where two unrelated flashes sharing "the Joint Chiefs of Staff (JCS) said" scored 0.26.
/// </summary>
public sealed record StoryFingerprint(uint[] Shingles, IReadOnlySet<string> HeadlineWords)
{
    /// <summary>Shingles kept per article (the first ones in text order): about 4,000 words of body, 16 KB stored.</summary>
    public const int MaxShingles = 4096;

    private const int ShingleWords = 3;

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

        var shingles = new HashSet<uint>();
        for (var i = 0; i + ShingleWords <= words.Count && shingles.Count < MaxShingles; i++)
        {
            shingles.Add(Fnv1a(words[i], words[i + 1], words[i + 2]));
        }

        var sorted = shingles.ToArray();
        Array.Sort(sorted);
        var headlineWords = new List<string>();
        Words(headline, headlineWords);
        return new StoryFingerprint(sorted, headlineWords.Where(w => !StopWords.Contains(w)).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Share of the smaller article's shingles that the other one has too (0..1): 1 when one copy contains the other.</summary>
    public double Containment(StoryFingerprint other)
    {
        if (Shingles.Length == 0 || other.Shingles.Length == 0)
        {
            return 0;
        }

        int i = 0, j = 0, common = 0;
        while (i < Shingles.Length && j < other.Shingles.Length)
        {
            var order = Shingles[i].CompareTo(other.Shingles[j]);
            if (order == 0)
            {
                common++;
                i++;
                j++;
            }
            else if (order < 0)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return (double)common / Math.Min(Shingles.Length, other.Shingles.Length);
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

    public byte[] ShingleBytes()
    {
        var bytes = new byte[Shingles.Length * sizeof(uint)];
        Buffer.BlockCopy(Shingles, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    public static uint[] ShinglesFrom(byte[] bytes)
    {
        var values = new uint[bytes.Length / sizeof(uint)];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * sizeof(uint));
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

    private static uint Fnv1a(string a, string b, string c)
    {
        var hash = 2166136261u;
        foreach (var word in (ReadOnlySpan<string>)[a, b, c])
        {
            foreach (var ch in word)
            {
                hash = unchecked((hash ^ ch) * 16777619u);
            }

            hash = unchecked((hash ^ ' ') * 16777619u);
        }

        return hash;
    }
}
