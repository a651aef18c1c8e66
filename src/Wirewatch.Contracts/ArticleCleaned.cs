namespace Wirewatch.Contracts;

/// <summary>
/// The article as a reader sees it: headline, flags, time, dateline and body, boilerplate gone.
/// Published to the <c>wirewatch.articles.cleaned</c> exchange.
/// </summary>
public sealed record ArticleCleaned
{
    public required string ArticleId { get; init; }
    public required int Version { get; init; }
    public string? StoryId { get; init; }
    public required string SourceId { get; init; }
    public required string Url { get; init; }
    public required DateTimeOffset ProducedAt { get; init; }

    /// <summary>The headline without its flags.</summary>
    public required string Headline { get; init; }

    /// <summary>Wire flags such as <c>LEAD</c>, <c>2nd LD</c>, <c>URGENT</c>, in the order they appeared.</summary>
    public required IReadOnlyList<string> Flags { get; init; }

    /// <summary>The editor's note without its parentheses, e.g. <c>ATTN: UPDATES with ...</c>.</summary>
    public string? EditorNote { get; init; }

    /// <summary>The page's publication stamp in the source's offset (Yonhap: +09:00); null when none was found.</summary>
    public DateTimeOffset? PublishedAt { get; init; }

    public Dateline? Dateline { get; init; }

    /// <summary>The body, one entry a paragraph, in order, without the dateline.</summary>
    public required IReadOnlyList<string> Paragraphs { get; init; }

    /// <summary>ISO 639-1 code, e.g. <c>en</c>.</summary>
    public required string Language { get; init; }

    public required int WordCount { get; init; }

    /// <summary>Machine-countable codes such as <c>dateline-date-mismatch</c>; documented in the README.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>The earlier article this one updates within its story (a previous version of the URL, or the closest
    /// earlier article of the story: the first issue before a LEAD, the original before a reprint); null for a story's first article.</summary>
    public string? UpdatesArticleId { get; init; }

    /// <summary>The version of <see cref="UpdatesArticleId"/> that this one updates.</summary>
    public int? UpdatesVersion { get; init; }
}

/// <summary>"SEOUL, Feb. 8 (Yonhap) --": the city, the date as written, and the agency.</summary>
public sealed record Dateline
{
    public required string City { get; init; }
    public string? Agency { get; init; }
    public string? Date { get; init; }
}
