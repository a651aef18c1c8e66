namespace Wirewatch.Fetching;

/// <summary>One entry of <c>sources.json</c>: where to look, how, how often, and how politely.</summary>
public sealed record SourceDefinition
{
    public required string Id { get; init; }

    /// <summary>
    /// <c>rss</c>, <c>atom</c>, <c>feed</c> (either), <c>html</c> (a listing page whose links <see cref="Selector"/> picks),
    /// <c>page</c>, <c>directory</c>, <c>file</c>, or <c>auto</c> (feed or page, decided by what the URL returns).
    /// </summary>
    public required string Kind { get; init; }

    /// <summary>http(s) URL for feeds and pages.</summary>
    public string? Url { get; init; }

    /// <summary>Folder or file for <c>directory</c>/<c>file</c> sources; relative paths resolve against the data directory.</summary>
    public string? Path { get; init; }

    /// <summary>How often to poll, as <c>hh:mm:ss</c>. Either this or <see cref="Cron"/>.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>A Quartz cron expression, e.g. <c>0 */5 * * * ?</c>, read in <see cref="TimeZone"/>.</summary>
    public string? Cron { get; init; }

    /// <summary>CSS selector of the article links on an <c>html</c> listing page (an <c>a</c>, or an element containing links).</summary>
    public string? Selector { get; init; }

    /// <summary>Forces the charset of every page of this source, for sites whose declarations are wrong.</summary>
    public string? Encoding { get; init; }

    /// <summary>IANA or Windows time-zone id in which <see cref="Cron"/> is read (default UTC), e.g. <c>Asia/Seoul</c>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Minimum time between two requests to one host for this source (default <c>Wirewatch:Fetcher:MinHostInterval</c>).</summary>
    public TimeSpan? MinInterval { get; init; }

    /// <summary>Cap on one response body (decompressed) for this source (default <c>Wirewatch:Fetcher:MaxBytes</c>).</summary>
    public long? MaxBytes { get; init; }

    /// <summary>
    /// Lets links of this source reach private, loopback and link-local addresses on any host (an intranet feed).
    /// Without it only the source's own host may be private.
    /// </summary>
    public bool AllowPrivate { get; init; }

    public bool Enabled { get; init; } = true;

    internal bool IsLocal => Kind is SourceKinds.Directory or SourceKinds.File;
}

public static class SourceKinds
{
    public const string Rss = "rss";
    public const string Atom = "atom";
    public const string Feed = "feed";
    public const string Html = "html";
    public const string Page = "page";
    public const string Directory = "directory";
    public const string File = "file";
    public const string Auto = "auto";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Rss, Atom, Feed, Html, Page, Directory, File, Auto };
}
