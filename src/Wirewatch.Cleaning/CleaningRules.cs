using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Wirewatch.Contracts;

namespace Wirewatch.Cleaning;

/// <summary>
/// Per-source extraction rules from <c>cleaning-rules.json</c>: which site a page comes from, where its headline,
/// time and body are, what to drop, and which clock its stamps read. Pages from other sites go through the generic
/// heuristics alone; the file only sharpens what they already do.
/// </summary>
public sealed class CleaningRules
{
    public static CleaningRules None { get; } = new([], []);

    public CleaningRules(IReadOnlyList<SourceRule> sources, IReadOnlyList<Regex> dropLines)
    {
        Sources = sources;
        DropLines = dropLines;
    }

    public IReadOnlyList<SourceRule> Sources { get; }

    /// <summary>Line patterns dropped on every source (on top of the built-in boilerplate lines).</summary>
    public IReadOnlyList<Regex> DropLines { get; }

    /// <summary>The rule of the source id or of the URL's host (a host matches itself and its subdomains).</summary>
    public SourceRule? ForArticle(string sourceId, string url)
    {
        var host = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : null;
        return Sources.FirstOrDefault(s => s.SourceIds.Contains(sourceId, StringComparer.OrdinalIgnoreCase))
               ?? (host is null ? null : ForHost(host));
    }

    /// <summary>For a saved page: the host its canonical link or <c>og:url</c> names, else the first rule whose <c>detect</c> selector matches.</summary>
    public SourceRule? ForDocument(IDocument document, string? canonical)
    {
        if (canonical is not null && Uri.TryCreate(canonical, UriKind.Absolute, out var uri) && ForHost(uri.Host) is { } byHost)
        {
            return byHost;
        }

        return Sources.FirstOrDefault(s => s.Detect is not null && document.QuerySelector(s.Detect) is not null);
    }

    /// <summary>For a text rendering with no source id or host to go by: the first rule whose <c>detectText</c> pattern it matches.</summary>
    public SourceRule? ForText(string text) =>
        Sources.FirstOrDefault(s => s.DetectText is { } pattern && pattern.IsMatch(text));

    private SourceRule? ForHost(string host) =>
        Sources.FirstOrDefault(s => s.Hosts.Any(h =>
            host.Equals(h, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase)));

    public static CleaningRules Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Cleaning rules '{path}' cannot be read: {e.Message}", e);
        }

        return Parse(json, path);
    }

    /// <summary>Parses and checks every selector, pattern and clock; an error names the file, the rule and the key.</summary>
    public static CleaningRules Parse(string json, string origin)
    {
        RulesFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RulesFile>(json, WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Cleaning rules {JsonErrors.Describe(origin, e)}", e);
        }

        if (file is null)
        {
            throw new InvalidDataException($"Cleaning rules '{origin}' are empty.");
        }

        var sources = new List<SourceRule>();
        foreach (var (entry, index) in (file.Sources ?? []).Select((s, i) => (s, i)))
        {
            var where = $"Cleaning rules '{origin}', sources[{index}]{(entry.Id is null ? "" : $" ('{entry.Id}')")}";
            if (string.IsNullOrWhiteSpace(entry.Id))
            {
                throw new InvalidDataException($"{where}: 'id' is required.");
            }

            sources.Add(new SourceRule
            {
                Id = entry.Id,
                SourceIds = entry.SourceIds ?? [],
                Hosts = entry.Hosts ?? [],
                Detect = Selector(entry.Detect, where, "detect"),
                DetectText = entry.DetectText is null ? null : Patterns([entry.DetectText], where, "detectText", RegexOptions.Multiline)[0],
                Headline = Selector(entry.Headline, where, "headline"),
                Time = Selector(entry.Time, where, "time"),
                Body = Selector(entry.Body, where, "body"),
                Drop = entry.Drop is { Count: > 0 } drop ? Selector(string.Join(", ", drop), where, "drop") : null,
                DropLines = Patterns(entry.DropLines, where, "dropLines"),
                Clock = SourceClock.Parse(entry.TimeZone, where),
            });
        }

        return new CleaningRules(sources, Patterns(file.DropLines, $"Cleaning rules '{origin}'", "dropLines"));
    }

    private static string? Selector(string? selector, string where, string key)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return null;
        }

        try
        {
            _ = Probe.QuerySelector(selector);
        }
        catch (DomException e)
        {
            throw new InvalidDataException($"{where}: '{key}' is not a CSS selector: '{selector}' ({e.Message}).", e);
        }

        return selector;
    }

    private static readonly IDocument Probe = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("");

    private static Regex[] Patterns(IReadOnlyList<string>? patterns, string where, string key, RegexOptions extra = RegexOptions.None)
    {
        var result = new List<Regex>();
        foreach (var pattern in patterns ?? [])
        {
            try
            {
                result.Add(new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled | extra, TimeSpan.FromMilliseconds(100)));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{where}: '{key}' has an invalid pattern '{pattern}': {e.Message}", e);
            }
        }

        return [.. result];
    }

    private sealed record RulesFile(IReadOnlyList<string>? DropLines, IReadOnlyList<SourceRuleFile>? Sources);

    private sealed record SourceRuleFile(
        string? Id, IReadOnlyList<string>? SourceIds, IReadOnlyList<string>? Hosts, string? Detect, string? DetectText,
        string? Headline, string? Time, string? Body, IReadOnlyList<string>? Drop, IReadOnlyList<string>? DropLines, string? TimeZone);
}

/// <summary>One known site's rule. Selectors are CSS (AngleSharp); line patterns are .NET regular expressions.</summary>
public sealed record SourceRule
{
    public required string Id { get; init; }
    public IReadOnlyList<string> SourceIds { get; init; } = [];
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>A selector only this site's pages match, for pages read from disk (no URL to go by).</summary>
    public string? Detect { get; init; }

    /// <summary>A pattern (multiline) only this site's text renderings match, for text read from disk (no URL to go by).</summary>
    public Regex? DetectText { get; init; }

    public string? Headline { get; init; }
    public string? Time { get; init; }
    public string? Body { get; init; }

    /// <summary>One selector list of everything to remove before the body is read.</summary>
    public string? Drop { get; init; }

    public IReadOnlyList<Regex> DropLines { get; init; } = [];
    public SourceClock? Clock { get; init; }
}

/// <summary>The clock a source's stamps read: a fixed offset (<c>+09:00</c>) or a time zone (<c>America/New_York</c>, daylight saving included).</summary>
public sealed class SourceClock
{
    private readonly TimeSpan? _offset;
    private readonly TimeZoneInfo? _zone;

    private SourceClock(TimeSpan? offset, TimeZoneInfo? zone) => (_offset, _zone) = (offset, zone);

    public static SourceClock Fixed(TimeSpan offset) => new(offset, null);

    /// <summary>The local wall-clock time as an instant in this clock.</summary>
    public DateTimeOffset Local(DateTime wallClock) =>
        _zone is null
            ? new DateTimeOffset(DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified), _offset!.Value)
            : new DateTimeOffset(DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified), _zone.GetUtcOffset(wallClock));

    /// <summary>The same instant, shown in this clock's offset.</summary>
    public DateTimeOffset Convert(DateTimeOffset instant) =>
        _zone is null ? instant.ToOffset(_offset!.Value) : TimeZoneInfo.ConvertTime(instant, _zone);

    internal static SourceClock? Parse(string? text, string where)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed is "Z" or "UTC")
        {
            return Fixed(TimeSpan.Zero);
        }

        if (trimmed[0] is '+' or '-'
            && TimeSpan.TryParseExact(trimmed[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var offset))
        {
            return Fixed(trimmed[0] == '-' ? -offset : offset);
        }

        try
        {
            return new SourceClock(null, TimeZoneInfo.FindSystemTimeZoneById(trimmed));
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidDataException($"{where}: 'timeZone' must be an offset such as '+09:00' or a time zone id such as 'Asia/Seoul' (was '{text}').", e);
        }
    }
}
