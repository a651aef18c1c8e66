using System.Globalization;
using System.Text.RegularExpressions;

namespace Wirewatch.Cleaning;

/// <summary>
/// Reads publication stamps as pages print them ("All News 04:22 February 08, 2016", "2016.02.08 04:22",
/// "Published: March 7, 2025 8:30 AM EST", "Updated 10:05 KST, 7 March 2025") and machine times
/// ("2025-03-07T08:30:00+00:00"). A stamp line is short and holds a date, a time, maybe a zone and a label, nothing else.
/// </summary>
/// <summary>A publication time as read, and whether the page stated its zone (else the source's clock gave it).</summary>
internal readonly record struct Stamp(DateTimeOffset Time, bool Zoned);

internal static partial class StampParser
{
    private static readonly Dictionary<string, TimeSpan> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["KST"] = TimeSpan.FromHours(9), ["JST"] = TimeSpan.FromHours(9), ["UTC"] = TimeSpan.Zero, ["GMT"] = TimeSpan.Zero,
        ["EST"] = TimeSpan.FromHours(-5), ["EDT"] = TimeSpan.FromHours(-4), ["CST"] = TimeSpan.FromHours(-6),
        ["CDT"] = TimeSpan.FromHours(-5), ["PST"] = TimeSpan.FromHours(-8), ["PDT"] = TimeSpan.FromHours(-7),
        ["BST"] = TimeSpan.FromHours(1), ["CET"] = TimeSpan.FromHours(1), ["CEST"] = TimeSpan.FromHours(2),
        ["MST"] = TimeSpan.FromHours(-7), ["MDT"] = TimeSpan.FromHours(-6), ["HKT"] = TimeSpan.FromHours(8), ["SGT"] = TimeSpan.FromHours(8),
    };

    /// <summary>US zone names whose offset depends on daylight saving: "11/01/22 11:29 AM ET".</summary>
    private static readonly Dictionary<string, string> UsZones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ET"] = "America/New_York", ["CT"] = "America/Chicago", ["MT"] = "America/Denver", ["PT"] = "America/Los_Angeles",
    };

    /// <summary>
    /// The stamp of a line that is nothing but a stamp, in the source's clock; null otherwise. A date without a year
    /// ("Nov. 1 11:29") takes the year that makes it the latest date not after <paramref name="reference"/> (the page's
    /// other dates, the feed's or the HTTP date, else the fetch time); without a reference it is not read.
    /// </summary>
    public static Stamp? ParseLine(string line, SourceClock clock, DateTimeOffset? reference = null)
    {
        if (line.Length > 110)
        {
            return null;
        }

        // "Published : Apr. 10, 2025 - 14:52 Updated : Apr. 10, 2025 - 15:10": the publication is the part before "Updated".
        var updated = line.IndexOf("Updated", 1, StringComparison.OrdinalIgnoreCase);
        if (updated > 0)
        {
            line = line[..updated];
        }

        var date = NumericDate().Match(line);
        int year, month, day;
        if (date.Success)
        {
            (year, month, day) = (Int(date, "y"), Int(date, "mo"), Int(date, "d"));
        }
        else if ((date = UsDate().Match(line)).Success)
        {
            // "11/01/22": month first, two-digit years in this century.
            year = Int(date, "y");
            (year, month, day) = (year < 100 ? 2000 + year : year, Int(date, "mo"), Int(date, "d"));
        }
        else if ((date = MonthFirstDate().Match(line)).Success || (date = DayFirstDate().Match(line)).Success)
        {
            if (MonthNumber(date.Groups["month"].Value) is not { } m)
            {
                return null;
            }

            (year, month, day) = (Int(date, "y"), m, Int(date, "d"));
        }
        else if (reference is { } r && (date = MonthDayWithoutYear().Match(line)).Success && MonthNumber(date.Groups["month"].Value) is { } m)
        {
            (month, day) = (m, Int(date, "d"));
            year = YearBefore(month, day, r);
        }
        else
        {
            return null;
        }

        var rest = line.Remove(date.Index, date.Length);
        var time = Time().Match(rest);
        if (!time.Success)
        {
            return null;
        }

        var hour = Int(time, "h");
        if (time.Groups["ampm"].Success)
        {
            var pm = char.ToLowerInvariant(time.Groups["ampm"].Value[0]) == 'p';
            hour = hour % 12 + (pm ? 12 : 0);
        }

        rest = rest.Remove(time.Index, time.Length);
        var zone = Zone().Match(rest);
        TimeSpan? offset = null;
        if (zone.Success)
        {
            offset = !zone.Groups["abbr"].Success ? TimeSpan.Zero
                : UsZones.TryGetValue(zone.Groups["abbr"].Value, out var zoneId) ? UsOffset(zoneId, year, month, day, hour)
                : Zones[zone.Groups["abbr"].Value];
            if (zone.Groups["off"].Success)
            {
                offset = offset.Value + ParseOffset(zone.Groups["off"].Value);
            }

            rest = rest.Remove(zone.Index, zone.Length);
        }

        // What is left may be a label ("All News", "Published :", "Updated", "Posted on") but not a sentence.
        var leftover = rest.Split([' ', ',', ':', '|', '/', '(', ')', '\u00B7'], StringSplitOptions.RemoveEmptyEntries);
        if (leftover.Length > 5 || leftover.Any(w => w.Any(char.IsDigit)))
        {
            return null;
        }

        try
        {
            var wallClock = new DateTime(year, month, day, hour, Int(time, "m"), 0, DateTimeKind.Unspecified);
            return offset is { } o ? new Stamp(clock.Convert(new DateTimeOffset(wallClock, o)), true) : new Stamp(clock.Local(wallClock), false);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>True when a machine time states its zone (<c>Z</c>, <c>+09:00</c>, <c>GMT</c>).</summary>
    public static bool HasExplicitZone(string value) => HasZone().IsMatch(value.Trim());

    /// <summary>An ISO 8601 or RFC 1123 time from markup; without a zone it is read in the source's clock.</summary>
    public static Stamp? ParseMachine(string? value, SourceClock clock)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (HasZone().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var instant))
        {
            return new Stamp(clock.Convert(instant), true);
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var wall))
        {
            return text.Contains(':', StringComparison.Ordinal) ? new Stamp(clock.Local(wall), false) : null; // a date alone is not a time
        }

        return ParseLine(text, clock);
    }

    // The property hands out a fresh copy of the array on every read.
    private static readonly string[] MonthAbbreviations = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames;

    public static int? MonthNumber(string name)
    {
        if (name.Length < 3)
        {
            return null;
        }

        var index = Array.FindIndex(MonthAbbreviations, m => m.Length > 0 && name.StartsWith(m, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index + 1 : null;
    }

    /// <summary>The latest year in which month/day is not after the reference (a day's grace for zones).</summary>
    private static int YearBefore(int month, int day, DateTimeOffset reference)
    {
        for (var year = reference.Year + 1; year > reference.Year - 8; year--)
        {
            if (day <= DateTime.DaysInMonth(year, month) && new DateTime(year, month, day) <= reference.Date.AddDays(1))
            {
                return year;
            }
        }

        return reference.Year;
    }

    private static TimeSpan UsOffset(string zoneId, int year, int month, int day, int hour)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        return day <= DateTime.DaysInMonth(year, month) && month is >= 1 and <= 12
            ? zone.GetUtcOffset(new DateTime(year, month, day, Math.Min(hour, 23), 0, 0, DateTimeKind.Unspecified))
            : zone.BaseUtcOffset;
    }

    private static int Int(Match match, string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static TimeSpan ParseOffset(string text)
    {
        var sign = text[0] == '-' ? -1 : 1;
        var digits = text[1..].Replace(":", "", StringComparison.Ordinal);
        var hours = int.Parse(digits.Length > 2 ? digits[..^2] : digits, CultureInfo.InvariantCulture);
        var minutes = digits.Length > 2 ? int.Parse(digits[^2..], CultureInfo.InvariantCulture) : 0;
        return sign * new TimeSpan(hours, minutes, 0);
    }

    private const string MonthName = """(?<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?""";

    [GeneratedRegex("""(?<!\d)(?<y>\d{4})[-./](?<mo>\d{1,2})[-./](?<d>\d{1,2})\.?(?!\d)""")]
    private static partial Regex NumericDate();

    [GeneratedRegex("""(?<![\d/])(?<mo>\d{1,2})/(?<d>\d{1,2})/(?<y>\d{4}|\d{2})(?![\d/])""")]
    private static partial Regex UsDate();

    [GeneratedRegex("""\b""" + MonthName + """\s+(?<d>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*\d{4})""", RegexOptions.IgnoreCase)]
    private static partial Regex MonthDayWithoutYear();

    [GeneratedRegex(MonthName + """\s+(?<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<y>\d{4})""", RegexOptions.IgnoreCase)]
    private static partial Regex MonthFirstDate();

    [GeneratedRegex("""(?<!\d)(?<d>\d{1,2})\s+""" + MonthName + """,?\s+(?<y>\d{4})""", RegexOptions.IgnoreCase)]
    private static partial Regex DayFirstDate();

    [GeneratedRegex("""(?<!\d)(?<h>\d{1,2}):(?<m>\d{2})(?::\d{2})?(?:\s*(?<ampm>[ap])\.?\s?m\.?(?![a-z]))?""", RegexOptions.IgnoreCase)]
    private static partial Regex Time();

    [GeneratedRegex("""(?:\b(?<abbr>KST|JST|UTC|GMT|EST|EDT|CST|CDT|PST|PDT|MST|MDT|BST|CEST|CET|HKT|SGT|ET|CT|MT|PT)\b\s*(?<off>[+-]\d{1,2}(?::?\d{2})?)?|(?<off>[+-]\d{2}:?\d{2})\b)""")]
    private static partial Regex Zone();

    [GeneratedRegex("""(?:Z|[+-]\d{2}:?\d{2}|GMT|UTC)$""")]
    private static partial Regex HasZone();
}
