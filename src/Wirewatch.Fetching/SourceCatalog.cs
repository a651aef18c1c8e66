using System.Text.Json;
using Quartz;
using Wirewatch.Contracts;

namespace Wirewatch.Fetching;

/// <summary>The configured sources, loaded from <c>sources.json</c> and validated once at start.</summary>
public sealed class SourceCatalog
{
    private readonly Dictionary<string, SourceDefinition> _byId;

    public SourceCatalog(IEnumerable<SourceDefinition> sources)
    {
        Sources = sources.ToList();
        var errors = Validate(Sources).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidSourceException(string.Join(Environment.NewLine, errors));
        }

        _byId = Sources.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<SourceDefinition> Sources { get; }

    public IEnumerable<SourceDefinition> Enabled => Sources.Where(s => s.Enabled);

    public SourceDefinition Get(string id) =>
        _byId.TryGetValue(id, out var source) ? source : throw new KeyNotFoundException($"No source '{id}' in the catalog.");

    public static SourceCatalog Load(string path)
    {
        SourcesFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize<SourcesFile>(stream, WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidSourceException($"Sources file {JsonErrors.Describe(path, e)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSourceException($"Cannot read sources file '{path}': {e.Message}");
        }

        return new SourceCatalog(file?.Sources ?? []);
    }

    private static IEnumerable<string> Validate(IReadOnlyList<SourceDefinition> sources)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sources.Count; i++)
        {
            var s = sources[i];
            var name = string.IsNullOrWhiteSpace(s.Id) ? $"sources[{i}]" : $"source '{s.Id}'";
            if (string.IsNullOrWhiteSpace(s.Id))
            {
                yield return $"{name}: 'id' is required.";
            }
            else if (!seen.Add(s.Id))
            {
                yield return $"{name}: 'id' is used twice.";
            }

            if (!SourceKinds.All.Contains(s.Kind ?? ""))
            {
                yield return $"{name}: 'kind' must be one of {string.Join(", ", SourceKinds.All)} (was '{s.Kind}').";
                continue;
            }

            if (s.IsLocal)
            {
                if (string.IsNullOrWhiteSpace(s.Path))
                {
                    yield return $"{name}: 'path' is required for kind '{s.Kind}'.";
                }
            }
            else if (!Uri.TryCreate(s.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"{name}: 'url' must be an absolute http(s) URL (was '{s.Url}').";
            }

            if (s.Interval is { } interval && interval < TimeSpan.FromSeconds(1))
            {
                yield return $"{name}: 'interval' must be at least 00:00:01 (was '{interval}').";
            }

            if (s.Cron is { } cron && !CronExpression.IsValidExpression(cron))
            {
                yield return $"{name}: 'cron' is not a valid Quartz cron expression (was '{cron}').";
            }

            if (s.Interval is not null && s.Cron is not null)
            {
                yield return $"{name}: give either 'interval' or 'cron', not both.";
            }

            if (s.Kind == SourceKinds.Html && !HtmlListing.IsValidSelector(s.Selector))
            {
                yield return $"{name}: 'selector' must be a CSS selector of the article links for kind 'html' (was '{s.Selector}').";
            }

            if (s.Encoding is { } encoding && !TextDecoding.IsKnown(encoding))
            {
                yield return $"{name}: 'encoding' is not a charset this system knows (was '{encoding}').";
            }

            if (s.TimeZone is { } zone && !TryFindTimeZone(zone, out _))
            {
                yield return $"{name}: 'timeZone' is not a known time-zone id such as 'Asia/Seoul' (was '{zone}').";
            }

            if (s.MinInterval is { } minInterval && (minInterval < TimeSpan.Zero || minInterval > TimeSpan.FromMinutes(10)))
            {
                yield return $"{name}: 'minInterval' must be between 00:00:00 and 00:10:00 (was '{minInterval}').";
            }

            if (s.MaxBytes is { } maxBytes && maxBytes is < 1024 or > 100L * 1024 * 1024)
            {
                yield return $"{name}: 'maxBytes' must be between 1024 and 104857600 (was {maxBytes}).";
            }

            if (s.AllowPrivate && s.IsLocal)
            {
                yield return $"{name}: 'allowPrivate' applies to http(s) sources only.";
            }
        }
    }

    /// <summary>IANA ids (<c>Asia/Seoul</c>) and Windows ids (<c>Korea Standard Time</c>) both work.</summary>
    public static bool TryFindTimeZone(string id, out TimeZoneInfo zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone!);

    private sealed record SourcesFile
    {
        public List<SourceDefinition>? Sources { get; init; }
    }
}

/// <summary>A source definition that cannot be used; the message names the source and the field.</summary>
public sealed class InvalidSourceException(string message) : Exception(message);
