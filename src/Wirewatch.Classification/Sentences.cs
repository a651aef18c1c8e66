namespace Wirewatch.Classification;

/// <summary>Finds the sentence around a position, for evidence snippets. Abbreviations such as "U.S." or "Feb." do not end one.</summary>
internal static class Sentences
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.Ordinal)
    {
        "Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Sgt", "Capt", "Adm", "Sen", "Rep", "Gov", "St", "No", "Jr", "Sr", "Prof",
        "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "vs", "Inc", "Corp", "Co", "Ltd",
    };

    // Looked up by span, so testing the word before each period allocates nothing.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> AbbreviationSpans =
        Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Around(string text, int position)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsBoundary(text, i))
            {
                continue;
            }

            var end = i + 1;
            while (end < text.Length && text[end] is '"' or '\u201D' or '\'' or ')')
            {
                end++;
            }

            if (position < end)
            {
                return text[start..end].Trim();
            }

            start = end;
        }

        return text[start..].Trim();
    }

    private static bool IsBoundary(string text, int i)
    {
        if (text[i] is not ('.' or '!' or '?'))
        {
            return false;
        }

        var next = i + 1;
        while (next < text.Length && text[next] is '"' or '\u201D' or '\'' or ')')
        {
            next++;
        }

        if (next < text.Length && !char.IsWhiteSpace(text[next]))
        {
            return false;
        }

        if (text[i] != '.')
        {
            return true;
        }

        // The word before the period: "N." "U.S." "Feb." are abbreviations, not sentence ends.
        var wordStart = i;
        while (wordStart > 0 && !char.IsWhiteSpace(text[wordStart - 1]))
        {
            wordStart--;
        }

        var word = text.AsSpan(wordStart, i - wordStart).TrimStart("(\"\u201C");
        return !(word.Length == 1 && char.IsUpper(word[0])) && !word.Contains('.') && !AbbreviationSpans.Contains(word);
    }
}
