namespace Wirewatch.WebConsole;

/// <summary>
/// Splits a paragraph into plain and highlighted pieces where evidence sentences occur, so the page marks them with
/// <c>&lt;mark&gt;</c> while Razor still encodes every piece (the text is untrusted).
/// </summary>
public static class EvidenceHighlighter
{
    public static IReadOnlyList<(string Text, bool Evidence)> Split(string paragraph, IEnumerable<string> sentences)
    {
        var marks = new List<(int Start, int End)>();
        foreach (var sentence in sentences.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal))
        {
            for (var at = paragraph.IndexOf(sentence, StringComparison.Ordinal); at >= 0; at = paragraph.IndexOf(sentence, at + sentence.Length, StringComparison.Ordinal))
            {
                marks.Add((at, at + sentence.Length));
            }
        }

        var pieces = new List<(string, bool)>();
        var position = 0;
        foreach (var (start, end) in marks.OrderBy(m => m.Start))
        {
            if (end <= position)
            {
                continue;
            }

            var from = Math.Max(start, position);
            if (from > position)
            {
                pieces.Add((paragraph[position..from], false));
            }

            pieces.Add((paragraph[from..end], true));
            position = end;
        }

        if (position < paragraph.Length)
        {
            pieces.Add((paragraph[position..], false));
        }

        return pieces;
    }
}
