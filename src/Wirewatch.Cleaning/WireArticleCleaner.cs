using System.Globalization;
using System.Text.RegularExpressions;
using Wirewatch.Contracts;

namespace Wirewatch.Cleaning;

/// <summary>
/// Turns a fetched page into the article a reader sees: headline and its flags, editor's note, publication stamp,
/// dateline and body paragraphs, with navigation, share bars and feedback widgets gone.
/// A plain class: the cleaner consumer and <c>wirewatch clean</c> both call it.
/// </summary>
public sealed partial class WireArticleCleaner(CleanerOptions options)
{
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

        var page = IsHtml(raw) ? PageText.FromHtml(raw.Content) : PageText.FromText(raw.Content);
        var layout = ReadLayout(page);
        if (layout.Headline is null)
        {
            return CleaningResult.Rejected(CleaningCodes.NoHeadline, "No headline was found.");
        }

        if (NotFoundHeadline().IsMatch(layout.Headline))
        {
            return CleaningResult.Rejected(CleaningCodes.NotFoundPage, $"The page says '{layout.Headline}'.");
        }

        var (flags, headline) = SplitFlags(layout.Headline);
        var paragraphs = layout.Paragraphs;
        var dateline = ExtractDateline(paragraphs);
        if (paragraphs.Count == 0)
        {
            return CleaningResult.Rejected(CleaningCodes.NoBody, "No article body was found.");
        }

        var published = layout.Stamp ?? page.PublishedAt?.ToOffset(options.StampOffset) ?? raw.Feed?.PublishedAt?.ToOffset(options.StampOffset);
        var words = paragraphs.Sum(CountWords);
        var warnings = new List<string>();
        if (published is null)
        {
            warnings.Add(CleaningCodes.NoTimestamp);
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

    private sealed record Layout(string? Headline, string? EditorNote, DateTimeOffset? Stamp, List<string> Paragraphs);

    /// <summary>
    /// Reads the wire layout line by line: boilerplate dropped, the first remaining line is the headline, a stamp line
    /// and an editor's note may follow, and the body runs until an end marker such as <c>(END)</c>.
    /// </summary>
    private Layout ReadLayout(PageText page)
    {
        string? headline = null, note = null;
        DateTimeOffset? stamp = null;
        var paragraphs = new List<string>();
        var block = new List<string>();

        foreach (var rawLine in page.Lines)
        {
            var line = TrailingEnd().Replace(rawLine, "").Trim();
            var ended = line.Length != rawLine.Trim().Length; // "... it said. (END)"
            if (line.Length == 0 || Boilerplate().IsMatch(line))
            {
                FlushBlock(block, paragraphs);
                if (paragraphs.Count > 0 && ended)
                {
                    break;
                }

                continue;
            }

            if (paragraphs.Count == 0 && block.Count == 0)
            {
                if (stamp is null && line.Length < 80 && ParseStamp(line) is { } parsed)
                {
                    stamp = parsed;
                    continue;
                }

                if (note is null && EditorNote().Match(line) is { Success: true } noteMatch)
                {
                    note = noteMatch.Groups["note"].Value.Trim();
                    continue;
                }

                if (headline is null)
                {
                    headline = line;
                    continue;
                }
            }

            block.Add(line);
            if (ended)
            {
                break;
            }
        }

        FlushBlock(block, paragraphs);
        return new Layout(headline, note, stamp, paragraphs);
    }

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
        line.Length > 0 && line[^1] is '.' or '!' or '?' or '"' or '\u201D' or '\'' or ')' or ':';

    private static (IReadOnlyList<string> Flags, string Headline) SplitFlags(string headline)
    {
        var flags = new List<string>();
        var rest = headline;
        while (LeadingFlag().Match(rest) is { Success: true } match)
        {
            flags.Add(match.Groups["flag"].Value.Trim());
            rest = rest[match.Length..].TrimStart();
        }

        return (flags, rest);
    }

    /// <summary>Removes "SEOUL, Feb. 8 (Yonhap) --" from the first paragraph and returns it.</summary>
    private static Dateline? ExtractDateline(List<string> paragraphs)
    {
        if (paragraphs.Count == 0 || DatelinePattern().Match(paragraphs[0]) is not { Success: true } match)
        {
            return null;
        }

        paragraphs[0] = paragraphs[0][match.Length..].TrimStart();
        if (paragraphs[0].Length == 0)
        {
            paragraphs.RemoveAt(0);
        }

        return new Dateline
        {
            City = match.Groups["city"].Value.Trim(),
            Agency = match.Groups["agency"].Success ? match.Groups["agency"].Value.Trim() : null,
            Date = match.Groups["date"].Success ? match.Groups["date"].Value.Trim() : null,
        };
    }

    private DateTimeOffset? ParseStamp(string line)
    {
        if (WordStamp().Match(line) is { Success: true } words
            && MonthNumber(words.Groups["month"].Value) is { } month)
        {
            return Local(int.Parse(words.Groups["y"].Value, CultureInfo.InvariantCulture), month,
                int.Parse(words.Groups["d"].Value, CultureInfo.InvariantCulture),
                int.Parse(words.Groups["h"].Value, CultureInfo.InvariantCulture),
                int.Parse(words.Groups["m"].Value, CultureInfo.InvariantCulture));
        }

        if (NumericStamp().Match(line) is { Success: true } numeric)
        {
            return Local(int.Parse(numeric.Groups["y"].Value, CultureInfo.InvariantCulture),
                int.Parse(numeric.Groups["mo"].Value, CultureInfo.InvariantCulture),
                int.Parse(numeric.Groups["d"].Value, CultureInfo.InvariantCulture),
                int.Parse(numeric.Groups["h"].Value, CultureInfo.InvariantCulture),
                int.Parse(numeric.Groups["m"].Value, CultureInfo.InvariantCulture));
        }

        return null;
    }

    private DateTimeOffset? Local(int year, int month, int day, int hour, int minute)
    {
        try
        {
            return new DateTimeOffset(year, month, day, hour, minute, 0, options.StampOffset);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>True when the dateline's date is more than a day away from the stamp (in the stamp's year or either neighbour).</summary>
    private static bool DatelineDisagrees(string? datelineDate, DateTimeOffset stamp)
    {
        if (datelineDate is null || DatelineDate().Match(datelineDate) is not { Success: true } match
            || MonthNumber(match.Groups["month"].Value) is not { } month)
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

    private static int? MonthNumber(string name)
    {
        if (name.Length < 3)
        {
            return null;
        }

        var index = Array.FindIndex(CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames,
            m => m.Length > 0 && name.StartsWith(m, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index + 1 : null;
    }

    private static int CountWords(string paragraph) =>
        paragraph.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static string DetectLanguage(IEnumerable<string> paragraphs)
    {
        int hangul = 0, latin = 0;
        foreach (var c in paragraphs.SelectMany(p => p))
        {
            if (c is >= '\uAC00' and <= '\uD7A3')
            {
                hangul++;
            }
            else if (char.IsAsciiLetter(c))
            {
                latin++;
            }
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

    // Lines that are never part of an article: site navigation, share bars, feedback widgets, markers.
    [GeneratedRegex("""^(?:(?:Go to (?:Contents|Navigation)\s*)+|All News|HOME(?: TOP)?|TOP|\(END\)|Send Feedback|How can we improve\?|Thanks for your feedback!|Advertisement|ADVERTISEMENT|Share(?: this(?: article)?)?|Print|E-?mail|Facebook|Twitter|X|Kakao(?:Talk)?|Copy(?: link)?|(?:Copyright|\u00A9|\(c\)).*|All rights reserved\.?.*)$""", RegexOptions.IgnoreCase)]
    private static partial Regex Boilerplate();

    [GeneratedRegex("""\s*\(END\)\s*$""")]
    private static partial Regex TrailingEnd();

    [GeneratedRegex("""^\((?<note>(?:ATTN|CORRECTS?|RECASTS?|ADDS|UPDATES|REFILES?)\b.*)\)$""")]
    private static partial Regex EditorNote();

    [GeneratedRegex("""^\((?<flag>LEAD|URGENT|\d+(?:st|nd|rd|th) LD|News Focus|News Analysis|Yonhap Interview|Yonhap Feature|EDITORIAL|Feature|Interview|Profile|Correction|CORRECTED|UPDATE\d*|FULL TEXT|Photo|Graphics?)\)\s*""", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingFlag();

    // "SEOUL, Feb. 8 (Yonhap) --", "UNITED NATIONS, March 7 (UPI) --", "WASHINGTON (AP) —".
    [GeneratedRegex("""^(?<city>[A-Z][A-Z.'\-]*(?: [A-Z][A-Z.'\-]*){0,3})(?:,\s*(?<date>[A-Z][a-z]{2,8}\.? \d{1,2}))?\s*\((?<agency>[^)]{2,40})\)\s*(?:--|\u2014|\u2013|-)\s*""")]
    private static partial Regex DatelinePattern();

    [GeneratedRegex("""^(?<month>[A-Za-z]{3,9})\.? (?<d>\d{1,2})$""")]
    private static partial Regex DatelineDate();

    // "All News 04:22 February 08, 2016" (a section label may come first).
    [GeneratedRegex("""^(?:[A-Za-z&' -]{0,40}\s)?(?<h>\d{1,2}):(?<m>\d{2})\s+(?<month>[A-Z][a-z]+)\.?\s+(?<d>\d{1,2}),\s+(?<y>\d{4})$""")]
    private static partial Regex WordStamp();

    // "2016-02-08 04:22", "Published : 2016.02.08 04:22".
    [GeneratedRegex("""^(?:[A-Za-z ]{0,20}:?\s*)?(?<y>\d{4})[-./](?<mo>\d{2})[-./](?<d>\d{2})\.?\s+(?<h>\d{1,2}):(?<m>\d{2})(?::\d{2})?$""")]
    private static partial Regex NumericStamp();

    [GeneratedRegex("""^(?:404|Page not found|Not Found|The page you requested)""", RegexOptions.IgnoreCase)]
    private static partial Regex NotFoundHeadline();
}
