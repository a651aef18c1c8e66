using System.Globalization;
using System.Text.RegularExpressions;
using Wirewatch.Contracts;

namespace Wirewatch.Cleaning;

/// <summary>
/// Turns a fetched page into the article a reader sees: headline and its flags, editor's note, publication stamp,
/// dateline and body paragraphs, with navigation, share bars, captions, related lists and feedback widgets gone.
/// A plain class: the cleaner consumer and <c>wirewatch clean</c> both call it.
/// </summary>
public sealed partial class WireArticleCleaner(CleanerOptions options, CleaningRules? rules = null)
{
    private readonly CleaningRules _rules = rules ?? CleaningRules.None;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SourceRule, Regex[]> _dropLines = new(ReferenceEqualityComparer.Instance);

    public CleaningResult Clean(ArticleFetched raw)
    {
        if (string.IsNullOrWhiteSpace(raw.Content))
        {
            return CleaningResult.Rejected(CleaningCodes.Empty, "The page has no text.");
        }

        if (LooksBinary(raw.Content))
        {
            return CleaningResult.Rejected(CleaningCodes.Binary, $"The body is not text ({raw.ContentType}).");
        }

        var content = raw.Content;
        var repaired = EncodingRepair.TryRepair(ref content);
        var rule = _rules.ForArticle(raw.SourceId, raw.Url);
        var html = IsHtml(raw);
        if (rule is null && !html)
        {
            rule = _rules.ForText(content); // a saved text rendering: its site known by its layout (Yonhap's "All News 04:22 ...")
        }

        var page = html ? PageText.FromHtml(content, rule, _rules) : PageText.FromText(content);
        rule = page.Rule ?? rule;
        // A stamp without a zone is read in the site's clock: its rule's, else the configured one, else UTC, flagged.
        var clock = rule?.Clock ?? SourceClock.Fixed(options.StampOffset ?? TimeSpan.Zero);
        var zoneAssumed = rule?.Clock is null && options.StampOffset is null;

        var machineStamp = (page.StampText is { } stampText ? StampParser.ParseMachine(stampText, clock) : null)
                           ?? StampParser.ParseMachine(page.MachineTime, clock);
        var machineTime = machineStamp?.Time;
        // What a date without a year is read against: the page's other dates, the feed's or the HTTP date, the fetch.
        var reference = machineTime ?? raw.Feed?.PublishedAt ?? raw.Http?.LastModified ?? raw.FetchedAt;
        var layout = new LayoutReader(clock, DropLinesOf(rule), page.Headline ?? raw.Feed?.Title, reference)
            .Read(page.Lines);
        // Without a headline on the page: the feed item's title, else the first sentence stands in (flagged no-headline).
        var pageHeadline = layout.Headline ?? Whitespace.Normalize(raw.Feed?.Title);
        var headlineMissing = pageHeadline is null;
        if (pageHeadline is null && layout.Paragraphs.Count > 0)
        {
            pageHeadline = FirstSentence(layout.Paragraphs[0]);
        }

        if (pageHeadline is null)
        {
            return CleaningResult.Rejected(CleaningCodes.NoHeadline, "No headline was found.");
        }

        if (NotFoundHeadline().IsMatch(pageHeadline))
        {
            return CleaningResult.Rejected(CleaningCodes.NotFoundPage, $"The page says '{pageHeadline}'.");
        }

        var (flags, headline) = SplitFlags(pageHeadline);
        var paragraphs = layout.Paragraphs;
        var dateline = ExtractDateline(paragraphs);
        if (paragraphs.Count == 0 || !paragraphs.Any(IsProse))
        {
            return CleaningResult.Rejected(CleaningCodes.NoBody, paragraphs.Count == 0
                ? "No article body was found."
                : "No paragraph reads as prose (an index or list page?).");
        }

        var pageStamp = machineStamp ?? layout.Stamp;
        var published = pageStamp?.Time
                        ?? (raw.Feed?.PublishedAt is { } feedTime ? clock.Convert(feedTime) : null);
        var words = paragraphs.Sum(p => CountWords(p));
        var warnings = new List<string>();
        if (headlineMissing)
        {
            warnings.Add(CleaningCodes.NoHeadline);
        }

        if (published is null)
        {
            warnings.Add(CleaningCodes.NoTimestamp);
        }
        else if (zoneAssumed && pageStamp is { Zoned: false })
        {
            warnings.Add(CleaningCodes.ZonelessTime);
        }

        if (dateline is null)
        {
            warnings.Add(CleaningCodes.NoDateline);
        }
        else if (published is { } stamp && DatelineDisagrees(dateline.Date, stamp))
        {
            warnings.Add(CleaningCodes.DatelineDateMismatch);
        }

        if (words < options.ShortBodyWords)
        {
            warnings.Add(CleaningCodes.ShortBody);
        }

        if (layout.Paywalled || !EndsLikeAnArticle(paragraphs[^1]))
        {
            warnings.Add(CleaningCodes.Truncated);
        }

        if (repaired)
        {
            warnings.Add(CleaningCodes.EncodingRepaired);
        }

        return CleaningResult.Cleaned(new ArticleCleaned
        {
            ArticleId = raw.ArticleId,
            Version = raw.Version,
            StoryId = raw.StoryId ?? raw.ArticleId,
            SourceId = raw.SourceId,
            Url = raw.Url,
            ProducedAt = raw.ProducedAt,
            Headline = headline,
            Flags = flags,
            EditorNote = layout.EditorNote,
            PublishedAt = published,
            Dateline = dateline,
            Paragraphs = paragraphs,
            Language = DetectLanguage(paragraphs),
            WordCount = words,
            Warnings = warnings,
        });
    }

    /// <summary>The file's line patterns and the rule's, joined once per rule rather than once per page.</summary>
    private IReadOnlyList<Regex> DropLinesOf(SourceRule? rule) =>
        rule is null || rule.DropLines.Count == 0
            ? _rules.DropLines
            : _dropLines.GetOrAdd(rule, static (r, common) => [.. common, .. r.DropLines], _rules.DropLines);

    private static (IReadOnlyList<string> Flags, string Headline) SplitFlags(string headline)
    {
        var flags = new List<string>();
        var rest = headline;
        while (LeadingFlag().Match(rest) is { Success: true } match)
        {
            var flag = match.Groups["flag"].Value.Trim();
            flags.Add(flag.StartsWith("EDITORIAL", StringComparison.OrdinalIgnoreCase) ? "EDITORIAL" : flag);
            rest = rest[match.Length..].TrimStart();
        }

        if (rest.Length == 0)
        {
            return ([], headline);
        }

        return (flags, rest);
    }

    /// <summary>
    /// Removes "SEOUL, Feb. 8 (Yonhap) --" from the first paragraph that starts with a dateline (within the first three;
    /// what precedes it is a deck, a byline or a caption) and returns it.
    /// </summary>
    private static Dateline? ExtractDateline(List<string> paragraphs)
    {
        for (var i = 0; i < Math.Min(3, paragraphs.Count); i++)
        {
            var match = DatelinePattern().Match(paragraphs[i]);
            if (!match.Success)
            {
                match = WireDateline().Match(paragraphs[i]);
            }

            if (!match.Success)
            {
                match = KoreanDateline().Match(paragraphs[i]);
            }

            if (!match.Success)
            {
                continue;
            }

            var rest = paragraphs[i][match.Length..].TrimStart();
            if (rest.Length == 0 && i + 1 >= paragraphs.Count)
            {
                continue;
            }

            paragraphs.RemoveRange(0, i);
            if (rest.Length == 0)
            {
                paragraphs.RemoveAt(0);
            }
            else
            {
                paragraphs[0] = rest;
            }

            return new Dateline
            {
                City = match.Groups["city"].Value.Trim(),
                Agency = match.Groups["agency"].Success ? match.Groups["agency"].Value.Trim() : null,
                Date = match.Groups["date"].Success ? match.Groups["date"].Value.Trim() : null,
            };
        }

        return null;
    }

    /// <summary>The paragraph's first sentence, at most 20 words: a stand-in headline for a page that has none.</summary>
    private static string FirstSentence(string paragraph)
    {
        var end = paragraph.IndexOfAny(['.', '!', '?', '\u3002']);
        var sentence = end > 0 ? paragraph[..(end + 1)] : paragraph;
        var words = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length <= 20 ? sentence : string.Join(' ', words.Take(20)) + " \u2026";
    }

    /// <summary>True when the dateline's date is more than a day away from the stamp (in the stamp's year or either neighbour).</summary>
    private static bool DatelineDisagrees(string? datelineDate, DateTimeOffset stamp)
    {
        if (datelineDate is null || DatelineDate().Match(datelineDate) is not { Success: true } match
            || StampParser.MonthNumber(match.Groups["month"].Value) is not { } month)
        {
            return false;
        }

        var day = int.Parse(match.Groups["d"].Value, CultureInfo.InvariantCulture);
        var closest = new[] { stamp.Year - 1, stamp.Year, stamp.Year + 1 }
            .Where(y => day <= DateTime.DaysInMonth(y, month))
            .Select(y => Math.Abs((new DateTime(y, month, day) - stamp.Date).TotalDays))
            .DefaultIfEmpty(double.MaxValue)
            .Min();
        return closest > 1;
    }

    /// <summary>A last paragraph that stops mid-sentence or on an ellipsis means the page gave us part of the article.</summary>
    private static bool EndsLikeAnArticle(string paragraph)
    {
        var text = paragraph.TrimEnd();
        if (text.EndsWith("...", StringComparison.Ordinal) || text.EndsWith('\u2026'))
        {
            return false;
        }

        return text.Length > 0 && text[^1] is '.' or '!' or '?' or '"' or '\u201D' or '\'' or '\u2019' or ')' or ']' or '\u3002'
            or '\uFF01' or '\uFF1F' or '\u300D' or '\u300F' or '\uFF09' or '\u0964'; // 。！？」』） and the Devanagari danda
    }

    /// <summary>
    /// A sentence of some length: what an article has and an index page of headlines does not. A long paragraph of
    /// sentences is prose even when it ends in a signature ("... multiplicada. Lívia Barros Calado").
    /// </summary>
    private static bool IsProse(string paragraph) =>
        CountWords(paragraph) is var words && words >= 8
        && (EndsLikeAnArticle(paragraph) || (words >= 40 && (paragraph.Contains(". ", StringComparison.Ordinal) || paragraph.Contains('\u3002'))));

    /// <summary>
    /// Whitespace-separated words, without allocating. Scripts written without spaces (Chinese, Japanese kana, Thai, Lao,
    /// Khmer, Myanmar) count one word per two characters, so that a Japanese paragraph is as long as its English
    /// translation instead of one "word".
    /// </summary>
    internal static int CountWords(ReadOnlySpan<char> paragraph)
    {
        var words = 0;
        var inWord = false;
        var spaceless = 0;
        foreach (var c in paragraph)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                words++;
            }

            if (c >= '฀' && IsSpaceless(c))
            {
                spaceless++;
            }
        }

        return words + spaceless / 2;
    }

    private static bool IsSpaceless(char c) =>
        c is (>= '฀' and <= '໿') // Thai, Lao
            or (>= 'က' and <= '႟') // Myanmar
            or (>= 'ក' and <= '៿') // Khmer
            or (>= '぀' and <= 'ヿ') // Hiragana, Katakana
            or (>= '㐀' and <= '䶿') or (>= '一' and <= '鿿') or (>= '豈' and <= '﫿'); // Han

    private static string DetectLanguage(IEnumerable<string> paragraphs)
    {
        int hangul = 0, latin = 0;
        foreach (var paragraph in paragraphs)
        {
            ScriptCounter.Add(paragraph, ref hangul, ref latin);
        }

        return hangul > latin ? "ko" : "en";
    }

    private static bool IsHtml(ArticleFetched raw) =>
        raw.ContentType.Contains("html", StringComparison.OrdinalIgnoreCase)
        || raw.Content.AsSpan(0, Math.Min(raw.Content.Length, 512)).TrimStart().StartsWith("<", StringComparison.Ordinal);

    private static bool LooksBinary(string content)
    {
        var sample = content.AsSpan(0, Math.Min(content.Length, 4096));
        var control = 0;
        foreach (var c in sample)
        {
            if (c == '\0' || c == '\uFFFD' || (char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            {
                control++;
            }
        }

        return control > sample.Length / 20;
    }

    [GeneratedRegex("""^\((?<flag>LEAD|URGENT|\d+(?:st|nd|rd|th) LD|News Focus|News Analysis|Yonhap Interview|Yonhap Feature|EDITORIAL(?: from [^)]*)?|Feature|Interview|Profile|Correction|CORRECTED|UPDATE\s?\d*|FULL TEXT|Photo(?: News)?|Graphics?|Reporter's Notebook|Op-Ed|Commentary|Analysis|Exclusive)\)\s*|^(?<flag>UPDATE \d+|EXCLUSIVE|BREAKING|ANALYSIS|FACTBOX|EXPLAINER|INSIGHT|URGENT)\s*(?:-|:|\u2014)\s*""", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingFlag();

    // "SEOUL, Feb. 8 (Yonhap) --", "UNITED NATIONS, March 7 (UPI) --", "WASHINGTON (AP) —", "TOKYO/SEOUL, Oct 2 (Reuters) -",
    // "ARLINGTON, Va. (AP) —", "WASHINGTON —" (VOA: no agency, then a long dash is required).
    [GeneratedRegex("""^(?<city>[A-Z][A-Z.'/\-]*(?: [A-Z][A-Z.'/\-]*){0,3}(?:, [A-Z][a-zA-Z]{0,5}\.(?:[A-Z]\.)?)?)(?:, (?<region>[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})(?! ?\d))?(?:,\s*(?<date>[A-Z][a-z]{2,8}\.? \d{1,2}))?\s*(?:\((?<agency>[^)]{2,40})\)\s*(?:--|\u2014|\u2013|-)|(?:--|\u2014|\u2013))\s*""")]
    private static partial Regex DatelinePattern();

    // A named wire in parentheses makes the dateline whatever the city's case and even without a dash:
    // "Pyongyang, Dec 22 (IANS)", "Seoul, South Korea (AFP) -", "Pyongyang, November 1 (KCNA) --", "TOKYO, Nov. 1 (Kyodo) --".
    [GeneratedRegex("""^(?<city>[A-Z][A-Za-z.'/\-]*(?: [A-Z][A-Za-z.'/\-]*){0,3})(?:, (?<region>[A-Z][A-Za-z]+(?: [A-Z][a-z]+){0,2})(?! ?\d))?(?:,\s*(?<date>[A-Z][a-z]{2,8}\.? \d{1,2}))?\s*\((?<agency>Yonhap|AP|AFP|AFP-JIJI|Reuters|UPI|IANS|KCNA|Kyodo|Xinhua|dpa|ANI|PTI|EFE|ANSA|TASS|Tass|Bloomberg|Anadolu|VOA|NK News)\)\s*(?:--|\u2014|\u2013|-|:)?\s*""")]
    private static partial Regex WireDateline();

    // "(서울=연합뉴스) 김수연 기자 =": city and agency in the parentheses, then the reporter.
    [GeneratedRegex("""^\((?<city>[^=()]{1,20})=(?<agency>[^)]{1,20})\)\s*(?:[^=]{1,30}=\s*)?""")]
    private static partial Regex KoreanDateline();

    [GeneratedRegex("""^(?<month>[A-Za-z]{3,9})\.? (?<d>\d{1,2})$""")]
    private static partial Regex DatelineDate();

    [GeneratedRegex("""^(?:404\b|Page not found|Not Found|The page you requested|Sorry, (?:the|this) page|페이지를 찾을 수 없습니다)""", RegexOptions.IgnoreCase)]
    private static partial Regex NotFoundHeadline();
}
