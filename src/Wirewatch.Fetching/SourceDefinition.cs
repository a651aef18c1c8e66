namespace Wirewatch.Fetching;

/// <summary>One entry of <c>sources.json</c>: where to look, how, and how often.</summary>
public sealed record SourceDefinition
{
    public required string Id { get; init; }

    /// <summary><c>rss</c>, <c>atom</c>, <c>feed</c> (either), <c>page</c>, <c>directory</c>, <c>file</c>, or <c>auto</c> (decided by what the URL returns).</summary>
    public required string Kind { get; init; }

    /// <summary>http(s) URL for feeds and pages.</summary>
    public string? Url { get; init; }

    /// <summary>Folder or file for <c>directory</c>/<c>file</c> sources; relative paths resolve against the data directory.</summary>
    public string? Path { get; init; }

    /// <summary>How often to poll, as <c>hh:mm:ss</c>. Either this or <see cref="Cron"/>.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>A Quartz cron expression, e.g. <c>0 */5 * * * ?</c>.</summary>
    public string? Cron { get; init; }

    public bool Enabled { get; init; } = true;

    internal bool IsLocal => Kind is SourceKinds.Directory or SourceKinds.File;
}

public static class SourceKinds
{
    public const string Rss = "rss";
    public const string Atom = "atom";
    public const string Feed = "feed";
    public const string Page = "page";
    public const string Directory = "directory";
    public const string File = "file";
    public const string Auto = "auto";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Rss, Atom, Feed, Page, Directory, File, Auto };
}
