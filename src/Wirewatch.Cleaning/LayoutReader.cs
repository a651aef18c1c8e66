using System.Text.RegularExpressions;

namespace Wirewatch.Cleaning;

/// <summary>
/// Reads a page's lines in the wire layout: page furniture dropped, the first headline-like line is the headline, a stamp
/// line and an editor's note may follow, and the body runs until an end marker such as <c>(END)</c>. Works the same on
/// text renderings and on the lines <see cref="PageText"/> writes from HTML.
/// </summary>
internal sealed partial class LayoutReader(SourceClock clock, IReadOnlyList<Regex> dropLines, string? knownHeadline, DateTimeOffset? reference = null)
{
    /// <summary>A deck (a standfirst that ends no sentence) is short; a longer block is the story, signed without a full stop.</summary>
    private const int DeckWords = 60;

    public sealed record Result(string? Headline, string? EditorNote, Stamp? Stamp, List<string> Paragraphs, bool Paywalled);

    public Result Read(IReadOnlyList<string> lines)
    {
        string? headline = null, note = null;
        Stamp? stamp = null;
        var paragraphs = new List<string>();
        var block = new List<string>();
        var menu = MenuRuns(lines);
        var englishPage = !MostlyHangul(lines);
        var inRelatedList = false;
        var headlineSettled = false; // a stamp, byline or note followed the headline: later menus are share bars, not chrome
        var paywalled = false;
        var headlineMissing = false; // the first content line was a paragraph: no line is the headline

        for (var i = 0; i < lines.Count; i++)
        {
            var rawLine = lines[i];
            var line = rawLine.EndsWith(')') ? TrailingEnd().Replace(rawLine, "").Trim() : rawLine.Trim();
            var ended = line.Length != rawLine.Trim().Length; // "... it said. (END)"
            var bodyStarted = paragraphs.Count > 0 || block.Count > 0;
            if (menu[i] && !bodyStarted && headline is not null && !headlineSettled && headline != knownHeadline)
            {
                headline = null; // what came before a menu was site chrome (a tagline), not the headline
            }

            if (line.Length == 0 || menu[i] || IsFurniture(line, englishPage))
            {
                FlushBlock(block, paragraphs);
                if (paragraphs.Count > 0 && ended)
                {
                    break;
                }

                continue;
            }

            if (Paywall().IsMatch(line))
            {
                paywalled = bodyStarted;
                FlushBlock(block, paragraphs);
                continue;
            }

            if ((headline is not null || headlineMissing) && RelatedHeading().IsMatch(line))
            {
                FlushBlock(block, paragraphs);
                inRelatedList = true;
                continue;
            }

            if (inRelatedList)
            {
                // Teaser headlines do not end sentences; the article (or the next part of it) resumes with one that does.
                if (!(IsSentence(line) && WireArticleCleaner.CountWords(line) >= 12))
                {
                    continue;
                }

                inRelatedList = false;
            }

            if (!bodyStarted)
            {
                if (MayBeStamp(line) && StampParser.ParseLine(line, clock, reference) is { } parsed)
                {
                    stamp ??= parsed; // The first stamp is the publication; "Updated ..." after it is dropped.
                    headlineSettled = headline is not null;
                    continue;
                }

                if (note is null && EditorNote().Match(line) is { Success: true } noteMatch)
                {
                    note = noteMatch.Groups["note"].Value.Trim();
                    headlineSettled = headline is not null;
                    continue;
                }

                if (headline is null && !headlineMissing)
                {
                    if (IsSentence(line) && WireArticleCleaner.CountWords(line) >= 12 && line != knownHeadline)
                    {
                        // A paragraph before any headline: the page has none. Every paragraph from here is the body,
                        // rather than a later short paragraph being taken for the headline and this one dropped.
                        headlineMissing = true;
                    }
                    else
                    {
                        if (IsHeadline(line))
                        {
                            headline = WithoutSiteName(line);
                        }

                        continue;
                    }
                }

                if (!headlineMissing)
                {
                    if (MayBeByline(line) && Byline().IsMatch(line))
                    {
                        headlineSettled = true;
                        continue;
                    }

                    if (line == headline || LoneDate().IsMatch(line) || (WireArticleCleaner.CountWords(line) < 4 && !IsSentence(line))
                        || (!IsSentence(line) && (i + 1 == lines.Count || lines[i + 1].Length == 0) && WireArticleCleaner.CountWords(line) <= DeckWords))
                    {
                        continue; // Furniture between the headline and the story: decks, section labels, dates.
                    }
                }
            }

            if (bodyStarted && MayBeStamp(line) && StampParser.ParseLine(line, clock, reference) is not null)
            {
                FlushBlock(block, paragraphs); // "First Published on Nov 20, 2019 01:38 pm" under the story: a stamp, not a paragraph
                continue;
            }

            if (MayBeCaption(line) && Caption().IsMatch(line))
            {
                FlushBlock(block, paragraphs);
                continue;
            }

            block.Add(line);
            if (ended)
            {
                break;
            }
        }

        FlushBlock(block, paragraphs);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        paragraphs.RemoveAll(p => !seen.Add(p)); // captions and pull quotes printed twice
        return new Result(headline, note, stamp, paragraphs, paywalled);
    }

    private bool IsHeadline(string line)
    {
        if (knownHeadline is not null && line == knownHeadline)
        {
            return true;
        }

        if (IsSentence(line) && WireArticleCleaner.CountWords(line) > 30)
        {
            return false; // a paragraph, not a headline
        }

        // Menu items and section labels ("World", "Asia Pacific") are short; headlines carry a flag or three words.
        return line.StartsWith('(') || WireArticleCleaner.CountWords(line) >= 3;
    }

    private static string WithoutSiteName(string line)
    {
        var bar = line.LastIndexOf(" | ", StringComparison.Ordinal);
        return bar > 0 && line.Length - bar < 40 ? line[..bar].TrimEnd() : line;
    }

    private bool IsFurniture(string line, bool englishPage)
    {
        if ((line.Length <= 200 && Boilerplate().IsMatch(line)) || MayBeCookieNotice(line) && Cookie().IsMatch(line)
            || MayBeSeparatedMenu(line) && SeparatedMenu().IsMatch(line) || !HasLetterOrDigit(line))
        {
            return true;
        }

        foreach (var pattern in dropLines)
        {
            if (pattern.IsMatch(line))
            {
                return true;
            }
        }

        // Korean navigation on an English page ("전체메뉴", "로그인", "English 한국어").
        return englishPage && HasHangul(line) && WireArticleCleaner.CountWords(line) <= 6 && !IsSentence(line);
    }

    // The regular expressions below are asked of every line; these cheap checks skip them where they cannot match.
    private static bool MayBeCookieNotice(string line) =>
        line.Length <= 30 || line.Contains("cookie", StringComparison.OrdinalIgnoreCase)
        || line.Contains("privacy", StringComparison.OrdinalIgnoreCase) || line.Contains("terms of", StringComparison.OrdinalIgnoreCase);

    private static readonly System.Buffers.SearchValues<char> MenuSeparators = System.Buffers.SearchValues.Create("|\u00B7\u2022\u00BB\u203A>");

    /// <summary>A separated menu has at least two separators.</summary>
    private static bool MayBeSeparatedMenu(string line)
    {
        var first = line.AsSpan().IndexOfAny(MenuSeparators);
        return first >= 0 && line.AsSpan(first + 1).IndexOfAny(MenuSeparators) >= 0;
    }

    private static bool MayBeCaption(string line) =>
        line[^1] is ')' or ']' || line.StartsWith("Photo", StringComparison.Ordinal) || line.StartsWith("Image", StringComparison.Ordinal)
        || line.StartsWith("Picture", StringComparison.Ordinal);

    private static bool MayBeByline(string line) =>
        line.StartsWith("By", StringComparison.Ordinal) || line.Contains('@') || line[^1] == ')'
        || line.StartsWith("Reporter", StringComparison.OrdinalIgnoreCase) || line.StartsWith("Staff", StringComparison.Ordinal)
        || line.StartsWith("Written", StringComparison.Ordinal) || line.StartsWith("Posted", StringComparison.Ordinal);

    private static bool MayBeStamp(string line) => line.Length < 110 && line.Contains(':') && line.AsSpan().IndexOfAnyInRange('0', '9') >= 0;

    /// <summary>Three or more consecutive short lines with no sentence among them: a menu or a tag list.</summary>
    private static bool[] MenuRuns(IReadOnlyList<string> lines)
    {
        var menu = new bool[lines.Count];
        var start = 0;
        for (var i = 0; i <= lines.Count; i++)
        {
            var shortLine = i < lines.Count && lines[i].Length > 0 && lines[i].Length <= 40
                            && lines[i].AsSpan().Count(' ') <= 4 && !IsSentence(lines[i]) && !lines[i].StartsWith('(');
            if (shortLine)
            {
                continue;
            }

            if (i - start >= 3)
            {
                Array.Fill(menu, true, start, i - start);
            }

            start = i + 1;
        }

        return menu;
    }

    private static bool MostlyHangul(IReadOnlyList<string> lines)
    {
        int hangul = 0, latin = 0;
        foreach (var line in lines)
        {
            ScriptCounter.Add(line, ref hangul, ref latin);
        }

        return hangul > latin;
    }

    private static bool HasLetterOrDigit(string line)
    {
        foreach (var c in line)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasHangul(string line) => line.AsSpan().IndexOfAnyInRange('\uAC00', '\uD7A3') >= 0;

    private static bool IsSentence(string line) =>
        line.Length > 0 && line[^1] is '.' or '!' or '?' or '"' or '\u201D' or '\u2019' or '\u3002' or '\uFF01' or '\uFF1F' or '\u300D' or '\u0964';

    /// <summary>Lines of one block become one paragraph unless a line ends a sentence (then each is a paragraph).</summary>
    private static void FlushBlock(List<string> block, List<string> paragraphs)
    {
        var current = "";
        foreach (var line in block)
        {
            current = current.Length == 0 ? line : current + " " + line;
            if (EndsSentence(line))
            {
                paragraphs.Add(current);
                current = "";
            }
        }

        if (current.Length > 0)
        {
            paragraphs.Add(current);
        }

        block.Clear();
    }

    private static bool EndsSentence(string line) =>
        line.Length > 0 && line[^1] is '.' or '!' or '?' or '"' or '\u201D' or '\'' or '\u2019' or ')' or ':';

    // Lines that are never part of an article: site navigation, share bars, feedback widgets, markers, credits.
    [GeneratedRegex("""^(?:(?:Go to (?:Contents|Navigation)\s*)+|All News|HOME(?: TOP)?|TOP|Back to top|\(END\)|Send Feedback|How can we improve\?|Thanks for your feedback!|Was this (?:article|story) helpful\??|Rate this (?:article|story)|Report an? (?:error|typo)|Advertisement|Advert|Anzeige|Publicidad|Publicit\u00E9|Pubblicit\u00E0|Iklan|\u0420\u0435\u043A\u043B\u0430\u043C\u0430|Sponsored|Like this:|Like Loading\.\.\.|This slideshow requires JavaScript\.|Related (?:post|posts|article|articles|story|stories|roundup|reading)\s*:\s*\S.*|Filed under\s*:.*|Click here to subscribe\b.*|Scroll to continue(?: with content)?|Skip (?:to (?:main )?content|navigation)|Share(?: this(?: article| story)?| on \w+| via \w+)?|Print(?: this article)?|E-?mail(?: this)?|Facebook|Twitter|X|LinkedIn|WhatsApp|Telegram|Reddit|Line|Naver|Band|Kakao(?:Talk| Story)?|Copy(?: link| URL)?(?: copied)?|Link copied|Font size|Text size|A\+? ?A-?|Listen(?: to this article)?|\d+ min(?:ute)? read|Sign (?:in|up)|Log ?in|Subscribe(?: now)?|Menu|Search|Close|Comments?(?: \(\d+\))?|Photo(?:s)?|Yonhap photo|(?:AP|AFP|UPI|Reuters|Getty Images|EPA) Photo.*|(?:Copyright|\u00A9|\u24D2|\(c\)).*|All rights reserved\.?.*|Unauthorized reproduction.*|(?:Additional )?(?:Reporting|Writing|Editing|Compiled) by .*|Our Standards:.*|.*Thomson Reuters Trust Principles.*|무단 ?전재.*|Follow (?:us|NK News|VOA) on .*|(?:Updated|Published|Posted)?\s*\d+ (?:seconds?|minutes?|mins?|hours?|days?) ago|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)$""", RegexOptions.IgnoreCase)]
    private static partial Regex Boilerplate();

    [GeneratedRegex("""(?:\bcookies?\b.*\b(?:we use|this (?:site|website) uses|accept|consent|policy|settings|preferences|agree)\b|^(?:Accept(?: all)?(?: cookies)?|Reject all|Manage (?:preferences|settings|cookies)|Got it|I agree|OK)$|\bprivacy policy\b.*\bterms\b|\bterms of (?:use|service)\b)""", RegexOptions.IgnoreCase)]
    private static partial Regex Cookie();

    // "Home | World | Asia", "News · Politics · Defense", "Home > North Korea > Politics".
    [GeneratedRegex("""^(?:[^|\u00B7\u2022\u00BB\u203A>]{1,30}\s*[|\u00B7\u2022\u00BB\u203A>]\s*){2,}[^|\u00B7\u2022\u00BB\u203A>]{0,30}$""")]
    private static partial Regex SeparatedMenu();

    [GeneratedRegex("""^(?:related(?: articles| news| stories| coverage| content| links)?|more (?:stories|news|(?:from|in|on|about) [^.]{1,40}|(?:[\w'\u2019]+ ){1,3}stories)|(?:you may|you might|we think you.ll) like|você (?:pode|também pode) gostar|leia também|veja também|lee también|à lire aussi|lire aussi|lesen sie auch|mehr zum thema|leggi anche|читайте также|関連記事|相关阅读|相關新聞|most (?:viewed|read|popular)(?: stories| articles)?|latest(?: news| stories| headlines)?|top stories|you (?:may|might) also like|recommended(?: stories| for you| articles)?|trending(?: now)?|editor'?s picks|read (?:more|next|also)|see also|also read|keywords?|tags?|topics|관련 ?기사|많이 본 기사|인기 ?기사|최신 ?기사)\s*(?::|\.\.\.|\u2026)?$""", RegexOptions.IgnoreCase)]
    private static partial Regex RelatedHeading();

    [GeneratedRegex("""^(?:To continue reading|Subscribe to (?:continue|read)|This (?:article|story|content) is (?:for|available to) (?:subscribers|members)|Become a member to (?:read|continue)|Log in to (?:read|continue))""", RegexOptions.IgnoreCase)]
    private static partial Regex Paywall();

    [GeneratedRegex("""\s*\(END\)\s*$""")]
    private static partial Regex TrailingEnd();

    [GeneratedRegex("""^\((?<note>(?:ATTN|CORRECTS?|RECASTS?|ADDS|UPDATES|REFILES?|REPEATS|CLARIFIES)\b.*)\)$""", RegexOptions.IgnoreCase)]
    private static partial Regex EditorNote();

    // "By Kim Tong-hyung", "By JOHN DOE, Associated Press", "Lee Hae-rin (hae-rin@example.com)", "Reporter: ...".
    [GeneratedRegex("""^(?:By\s+[\p{Lu}][^.!?]{1,80}|[^.!?]{0,60}\S+@\S+\.\w+\)?|(?:Reporter|Staff reporter|Written by|Posted by)\s*:?.{0,60}|[\p{Lu}][a-z]+(?:[ -][\p{Lu}]?[a-z]+){1,3}\s*\((?:Yonhap|AP|UPI|VOA|Reuters)\))$""")]
    private static partial Regex Byline();

    [GeneratedRegex("""^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}|\d{4}[-./]\d{2}[-./]\d{2})$""")]
    private static partial Regex LoneDate();

    // A photo caption or credit: ends with a credit in parentheses, or starts as one.
    [GeneratedRegex("""(?:\((?:[^()]*\b(?:Photo|photo|Yonhap|AP|Reuters|AFP|UPI|Getty Images|KCNA|VOA|EPA|Xinhua|NK News|courtesy)\b[^()]*)\)|\[(?:Yonhap|AP|Reuters|AFP|UPI|KCNA)\])\s*$|^(?:Photo|Image|Picture)\s*(?::|by\b)""")]
    private static partial Regex Caption();
}
