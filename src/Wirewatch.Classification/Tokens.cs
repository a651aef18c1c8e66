namespace Wirewatch.Classification;

/// <summary>A word of a text: where it stands in the original string and in its lower-cased copy (same length).</summary>
internal readonly record struct Token(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// A text split into words. Words are runs of letters and digits; everything else separates them, so "U.N." is "u n",
/// "iron-clad" is "iron clad" and "Washington's" is "washington s". Terms in the data files are read the same way.
/// One instance is reused for every paragraph of an article: the lower-cased copy goes into a buffer that only grows.
/// </summary>
internal sealed class TokenizedText
{
    private readonly List<Token> _tokens = new(256);
    private char[] _lower = [];

    public string Text { get; private set; } = "";

    public int Count => _tokens.Count;

    public Token this[int index] => _tokens[index];

    /// <summary>Word <paramref name="index"/>, lower-cased (invariant culture maps one char to one char, so offsets agree).</summary>
    public ReadOnlySpan<char> Word(int index)
    {
        var token = _tokens[index];
        return _lower.AsSpan(token.Start, token.Length);
    }

    public TokenizedText Reset(string text)
    {
        Text = text;
        if (_lower.Length < text.Length)
        {
            _lower = new char[Math.Max(text.Length, Math.Max(256, _lower.Length * 2))];
        }

        text.AsSpan().ToLowerInvariant(_lower);
        _tokens.Clear();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !IsWordChar(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && IsWordChar(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                _tokens.Add(new Token(start, i));
            }
        }

        return this;
    }

    // ASCII answered without the Unicode tables; the same answer as char.IsLetterOrDigit for every char.
    private static bool IsWordChar(char c) => c < 128 ? char.IsAsciiLetterOrDigit(c) : char.IsLetterOrDigit(c);
}

internal static class Tokenizer
{
    /// <summary>The lower-cased words of a phrase, as the scanner sees them.</summary>
    public static string[] Words(string phrase)
    {
        var text = new TokenizedText().Reset(phrase);
        var words = new string[text.Count];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = text.Word(i).ToString();
        }

        return words;
    }
}

/// <summary>
/// Phrases indexed by the characters of their first word (a trie): one pass over a text's words finds every phrase of
/// every topic, and a word costs a walk of a few characters whatever the number of phrases. A phrase ending in
/// <c>*</c> matches any word that starts with its last word ("sanction*").
/// </summary>
internal sealed class PhraseIndex<T>
{
    private readonly Node _root = new();

    private sealed record Entry(string[] Words, bool PrefixLast, T Payload);

    private sealed class Node
    {
        // Lower-case ASCII letters and digits index an array (the common case); any other character goes to a dictionary.
        private Node?[]? _ascii;
        private Dictionary<char, Node>? _other;

        /// <summary>Phrases whose first word is this node's path (multi-word phrases, or a single exact word).</summary>
        public List<Entry>? Exact { get; set; }

        /// <summary>Single-word prefixes ending here: they match every word that passes through this node.</summary>
        public List<Entry>? Prefix { get; set; }

        public Node? Child(char c)
        {
            var slot = Slot(c);
            if (slot >= 0)
            {
                return _ascii?[slot];
            }

            return _other is not null && _other.TryGetValue(c, out var next) ? next : null;
        }

        public Node AddChild(char c)
        {
            if (Child(c) is { } existing)
            {
                return existing;
            }

            var node = new Node();
            var slot = Slot(c);
            if (slot >= 0)
            {
                (_ascii ??= new Node?[36])[slot] = node;
            }
            else
            {
                (_other ??= [])[c] = node;
            }

            return node;
        }

        private static int Slot(char c) => c is >= 'a' and <= 'z' ? c - 'a' : c is >= '0' and <= '9' ? 26 + c - '0' : -1;
    }

    public void Add(string phrase, T payload)
    {
        var prefix = phrase.TrimEnd().EndsWith('*');
        var words = Tokenizer.Words(phrase.TrimEnd('*', ' '));
        if (words.Length == 0)
        {
            return;
        }

        var node = _root;
        foreach (var c in words[0])
        {
            node = node.AddChild(c);
        }

        var entry = new Entry(words, prefix, payload);
        if (prefix && words.Length == 1)
        {
            (node.Prefix ??= []).Add(entry);
        }
        else
        {
            (node.Exact ??= []).Add(entry);
        }
    }

    /// <summary>Every phrase that starts at word <paramref name="at"/>, with how many words it covers, into <paramref name="matches"/>.</summary>
    public void MatchesAt(TokenizedText text, int at, List<(int Length, T Payload)> matches)
    {
        matches.Clear();
        var word = text.Word(at);
        var node = _root;
        foreach (var c in word)
        {
            if (node.Child(c) is not { } next)
            {
                return;
            }

            node = next;
            if (node.Prefix is { } prefixes)
            {
                foreach (var entry in prefixes)
                {
                    matches.Add((1, entry.Payload));
                }
            }
        }

        if (node.Exact is { } exact)
        {
            foreach (var entry in exact)
            {
                if (Matches(entry, text, at))
                {
                    matches.Add((entry.Words.Length, entry.Payload));
                }
            }
        }
    }

    private static bool Matches(Entry entry, TokenizedText text, int at)
    {
        if (at + entry.Words.Length > text.Count)
        {
            return false;
        }

        if (entry.Words.Length == 1 && entry.PrefixLast)
        {
            return true; // A one-word prefix phrase ending on this node: the walk already checked it.
        }

        for (var k = 1; k < entry.Words.Length; k++)
        {
            var word = text.Word(at + k);
            var last = k == entry.Words.Length - 1;
            var ok = last && entry.PrefixLast
                ? word.StartsWith(entry.Words[k], StringComparison.Ordinal)
                : word.SequenceEqual(entry.Words[k]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
