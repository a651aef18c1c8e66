using System.Globalization;
using System.Text.RegularExpressions;

namespace Wirewatch.Fetching;

/// <summary>
/// Feed dates as the web writes them, read the way the Universal Feed Parser reads them: RFC 822/1123 with or without
/// the day name, seconds or zone (numeric, <c>GMT</c>/<c>UT</c>/<c>Z</c>, North American, Asian and European
/// abbreviations such as <c>KST</c>; an unknown abbreviation or none is UTC), ISO 8601/W3C-DTF (with or without
/// separators, seconds or zone), and a few forms seen in the wild. A date nothing reads gives false, never an exception.
/// Digits are ASCII only: <c>\d</c> would match other scripts' digits, which <c>int.Parse</c> then refuses.
/// </summary>
public static partial class FeedDates
{
    private static readonly Dictionary<string, TimeSpan> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = TimeSpan.Zero, ["UTC"] = TimeSpan.Zero, ["GMT"] = TimeSpan.Zero, ["Z"] = TimeSpan.Zero, ["WET"] = TimeSpan.Zero,
        ["EST"] = H(-5), ["EDT"] = H(-4), ["CST"] = H(-6), ["CDT"] = H(-5), ["MST"] = H(-7), ["MDT"] = H(-6),
        ["PST"] = H(-8), ["PDT"] = H(-7), ["AKST"] = H(-9), ["AKDT"] = H(-8), ["HST"] = H(-10), ["AST"] = H(-4), ["ADT"] = H(-3),
        ["NST"] = new(-3, -30, 0), ["NDT"] = new(-2, -30, 0),
        ["BST"] = H(1), ["IST"] = new(5, 30, 0), ["CET"] = H(1), ["CEST"] = H(2), ["MET"] = H(1), ["MEST"] = H(2),
        ["EET"] = H(2), ["EEST"] = H(3), ["WEST"] = H(1), ["MSK"] = H(3), ["KST"] = H(9), ["JST"] = H(9),
        ["HKT"] = H(8), ["SGT"] = H(8), ["AWST"] = H(8), ["ACST"] = new(9, 30, 0), ["AEST"] = H(10), ["AEDT"] = H(11),
        ["NZST"] = H(12), ["NZDT"] = H(13), ["ICT"] = H(7), ["WIB"] = H(7), ["PHT"] = H(8),
        // RFC 822 military zones (A..Z without J), as RFC 1123 reads them.
        ["A"] = H(-1), ["B"] = H(-2), ["C"] = H(-3), ["D"] = H(-4), ["E"] = H(-5), ["F"] = H(-6), ["G"] = H(-7), ["H"] = H(-8),
        ["I"] = H(-9), ["K"] = H(-10), ["L"] = H(-11), ["M"] = H(-12), ["N"] = H(1), ["O"] = H(2), ["P"] = H(3), ["Q"] = H(4),
        ["R"] = H(5), ["S"] = H(6), ["T"] = H(7), ["U"] = H(8), ["V"] = H(9), ["W"] = H(10), ["X"] = H(11), ["Y"] = H(12),
    };

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static bool TryParse(string? value, out DateTimeOffset date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200)
        {
            return false;
        }

        var text = Spaces().Replace(Parenthesis().Replace(value, " "), " ").Trim();
        try
        {
            return TryIso(text, out date) || TryRfc822(text, out date) || TryAsctime(text, out date) || TryFallback(text, out date);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            date = default; // Day 31 of February, an offset past 14 hours, and the like.
            return false;
        }
    }

    private static bool TryIso(string text, out DateTimeOffset date)
    {
        date = default;
        var m = Iso().Match(text);
        if (!m.Success)
        {
            return false;
        }

        var year = Int(m.Groups["y"]);
        var month = m.Groups["mo"].Success ? Int(m.Groups["mo"]) : 1;
        var day = m.Groups["d"].Success ? Int(m.Groups["d"]) : 1;
        var hour = m.Groups["h"].Success ? Int(m.Groups["h"]) : 0;
        var minute = m.Groups["mi"].Success ? Int(m.Groups["mi"]) : 0;
        var second = m.Groups["s"].Success ? Int(m.Groups["s"]) : 0;
        var fraction = m.Groups["f"].Success ? double.Parse("0." + m.Groups["f"].Value, CultureInfo.InvariantCulture) : 0;
        if (!TryZone(m.Groups["z"].Value, out var offset))
        {
            offset = TimeSpan.Zero;
        }

        return Build(year, month, day, hour, minute, second, offset, out date, fraction);
    }

    private static bool TryRfc822(string text, out DateTimeOffset date)
    {
        date = default;
        var m = Rfc822().Match(text);
        if (!m.Success || MonthOf(m.Groups["mo"].Value) is not { } month)
        {
            return false;
        }

        var year = Year(m.Groups["y"].Value);
        var (hour, minute, second) = Time(m);
        if (!TryZone(m.Groups["z"].Value, out var offset))
        {
            offset = TimeSpan.Zero; // feedparser reads an unknown abbreviation as UTC.
        }

        return Build(year, month, Int(m.Groups["d"]), hour, minute, second, offset, out date);
    }

    /// <summary><c>Thu Mar 03 13:37:00 2016</c>, <c>March 3, 2016 1:37 PM</c> and <c>Mar 3 2016 13:37 KST</c>.</summary>
    private static bool TryAsctime(string text, out DateTimeOffset date)
    {
        date = default;
        var m = MonthFirst().Match(text);
        if (!m.Success || MonthOf(m.Groups["mo"].Value) is not { } month)
        {
            return false;
        }

        var (hour, minute, second) = Time(m);
        if (m.Groups["ampm"].Success)
        {
            hour = hour % 12 + (m.Groups["ampm"].Value.StartsWith('p') || m.Groups["ampm"].Value.StartsWith('P') ? 12 : 0);
        }

        if (!TryZone(m.Groups["z"].Value, out var offset))
        {
            offset = TimeSpan.Zero;
        }

        return Build(Year(m.Groups["y"].Value), month, Int(m.Groups["d"]), hour, minute, second, offset, out date);
    }

    private static bool TryFallback(string text, out DateTimeOffset date) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out date)
        && date.Year is > 1900 and < 2200;

    private static (int Hour, int Minute, int Second) Time(Match m) => (
        m.Groups["h"].Success ? Int(m.Groups["h"]) : 0,
        m.Groups["mi"].Success ? Int(m.Groups["mi"]) : 0,
        m.Groups["s"].Success ? Int(m.Groups["s"]) : 0);

    private static bool Build(int year, int month, int day, int hour, int minute, int second, TimeSpan offset, out DateTimeOffset date, double fraction = 0)
    {
        date = default;
        if (year is < 1000 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 24 || minute > 59 || second > 60)
        {
            return false;
        }

        var extra = TimeSpan.Zero;
        if (hour == 24)
        {
            hour = 0;
            extra = TimeSpan.FromDays(1);
        }

        if (second == 60)
        {
            second = 59; // A leap second.
        }

        date = new DateTimeOffset(year, month, day, hour, minute, second, offset).Add(extra).AddSeconds(fraction);
        return true;
    }

    private static bool TryZone(string zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        zone = zone.Trim();
        if (zone.Length == 0)
        {
            return false;
        }

        if (Zones.TryGetValue(zone, out offset))
        {
            return true;
        }

        var m = NumericZone().Match(zone);
        if (!m.Success)
        {
            return false;
        }

        var hours = Int(m.Groups["h"]);
        var minutes = m.Groups["m"].Success ? Int(m.Groups["m"]) : 0;
        if (hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (m.Groups["sign"].Value == "-")
        {
            offset = -offset;
        }

        return true;
    }

    private static int? MonthOf(string name)
    {
        if (name.Length < 3)
        {
            return null;
        }

        var index = Array.IndexOf(Months, name[..3].ToLowerInvariant());
        return index < 0 ? null : index + 1;
    }

    private static int Year(string text)
    {
        var year = int.Parse(text, CultureInfo.InvariantCulture);
        return text.Length <= 2 ? (year < 50 ? 2000 + year : 1900 + year) : year;
    }

    private static int Int(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    private static TimeSpan H(int hours) => TimeSpan.FromHours(hours);

    [GeneratedRegex(@"^(?<y>[0-9]{4})(?:-?(?<mo>[0-9]{2})(?:-?(?<d>[0-9]{2}))?)?(?:[T ]\s*(?<h>[0-9]{2}):?(?<mi>[0-9]{2})(?::?(?<s>[0-9]{2})(?:[.,](?<f>[0-9]{1,9}))?)?)?\s*(?<z>Z|[+-][0-9]{2}(?::?[0-9]{2})?|[A-Za-z]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso();

    [GeneratedRegex(@"^(?:[A-Za-z]{2,}\.?,?\s*)?(?<d>[0-9]{1,2})[\s-]+(?<mo>[A-Za-z]{3,})\.?,?[\s-]+(?<y>[0-9]{4}|[0-9]{2})(?:,?\s+(?<h>[0-9]{1,2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2}))?(?:\.[0-9]+)?)?\s*(?<z>[A-Za-z]{1,5}|[+-][0-9]{1,2}:?[0-9]{2})?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc822();

    [GeneratedRegex(@"^(?:[A-Za-z]{2,}\.?,?\s+)?(?<mo>[A-Za-z]{3,})\.?\s+(?<d>[0-9]{1,2})(?:st|nd|rd|th)?,?\s+(?:(?<y>[0-9]{4}),?\s*)?(?:(?<h>[0-9]{1,2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2}))?\s*(?<ampm>[AaPp]\.?[Mm]\.?)?)?\s*(?<z>[A-Za-z]{1,5}|[+-][0-9]{2}:?[0-9]{2})?\s*(?(y)|(?<y>[0-9]{4}))\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthFirst();

    [GeneratedRegex(@"^(?:GMT|UTC)?(?<sign>[+-])(?<h>[0-9]{1,2}):?(?<m>[0-9]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumericZone();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthesis();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
