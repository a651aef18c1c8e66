namespace Wirewatch.Classification;

/// <summary>A word of the text, lower-cased, with where it stands in the original string.</summary>
internal readonly record struct Token(string Value, int Start, int End);

/// <summary>
/// Words are runs of letters and digits; everything else separates them, so "U.N." is "u n", "iron-clad" is
/// "iron clad" and "Washington's" is "washington s". Terms in the data files are read the same way.
/// </summary>
internal static class Tokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>(text.Length / 5);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                tokens.Add(new Token(text[start..i].ToLowerInvariant(), start, i));
            }
        }

        return tokens;
    }

    public static string[] Words(string phrase) => Tokenize(phrase).Select(t => t.Value).ToArray();
}

/// <summary>
/// Phrases indexed by their first word: one pass over a text's tokens finds every phrase of every topic.
/// A phrase ending in <c>*</c> matches any word that starts with its last word ("sanction*").
/// </summary>
internal sealed class PhraseIndex<T>
{
    private readonly Dictionary<string, List<Entry>> _exact = new(StringComparer.Ordinal);
    private readonly List<Entry> _prefixFirst = [];

    private sealed record Entry(string[] Words, bool PrefixLast, T Payload);

    public void Add(string phrase, T payload)
    {
        var prefix = phrase.TrimEnd().EndsWith('*');
        var words = Tokenizer.Words(phrase.TrimEnd('*', ' '));
        if (words.Length == 0)
        {
            return;
        }

        var entry = new Entry(words, prefix, payload);
        if (prefix && words.Length == 1)
        {
            _prefixFirst.Add(entry);
            return;
        }

        if (!_exact.TryGetValue(words[0], out var list))
        {
            _exact[words[0]] = list = [];
        }

        list.Add(entry);
    }

    /// <summary>Every phrase that starts at token <paramref name="at"/>, with how many tokens it covers.</summary>
    public IEnumerable<(int Length, T Payload)> MatchesAt(IReadOnlyList<Token> tokens, int at)
    {
        if (_exact.TryGetValue(tokens[at].Value, out var candidates))
        {
            foreach (var entry in candidates)
            {
                if (Matches(entry, tokens, at))
                {
                    yield return (entry.Words.Length, entry.Payload);
                }
            }
        }

        foreach (var entry in _prefixFirst)
        {
            if (tokens[at].Value.StartsWith(entry.Words[0], StringComparison.Ordinal))
            {
                yield return (1, entry.Payload);
            }
        }
    }

    private static bool Matches(Entry entry, IReadOnlyList<Token> tokens, int at)
    {
        if (at + entry.Words.Length > tokens.Count)
        {
            return false;
        }

        for (var k = 1; k < entry.Words.Length; k++)
        {
            var word = tokens[at + k].Value;
            var last = k == entry.Words.Length - 1;
            var ok = last && entry.PrefixLast
                ? word.StartsWith(entry.Words[k], StringComparison.Ordinal)
                : word == entry.Words[k];
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
