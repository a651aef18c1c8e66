namespace Wirewatch.Contracts;

/// <summary>
/// A new or changed article as the fetcher found it: raw content plus what HTTP and the feed said about it.
/// Published to the <c>wirewatch.articles.fetched</c> exchange.
/// </summary>
public sealed record ArticleFetched
{
    /// <summary>Stable for a canonical URL (first 16 hex digits of its SHA-256).</summary>
    public required string ArticleId { get; init; }

    /// <summary>1 for the first content seen at the URL, 2, 3, ... each time that content changes.</summary>
    public required int Version { get; init; }

    /// <summary>Shared by all versions and re-publications of one story; the cleaner assigns it.</summary>
    public string? StoryId { get; init; }

    public required string SourceId { get; init; }
    public required string Url { get; init; }
    public required DateTimeOffset ProducedAt { get; init; }

    /// <summary>The decoded text of the page, feed item or file (always text, never base64).</summary>
    public required string Content { get; init; }

    /// <summary>Media type without parameters, e.g. <c>text/html</c> or <c>text/plain</c>.</summary>
    public required string ContentType { get; init; }

    /// <summary>The charset the content was decoded from.</summary>
    public string? Charset { get; init; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Content"/> in UTF-8.</summary>
    public required string ContentHash { get; init; }

    public required DateTimeOffset FetchedAt { get; init; }

    /// <summary>What the web server said, when the article came over HTTP.</summary>
    public HttpFacts? Http { get; init; }

    /// <summary>What the feed said about the item, when the article came from a feed.</summary>
    public FeedHints? Feed { get; init; }
}

public sealed record HttpFacts
{
    public required int Status { get; init; }
    [System.Text.Json.Serialization.JsonPropertyName("etag")]
    public string? ETag { get; init; }
    public DateTimeOffset? LastModified { get; init; }
}

public sealed record FeedHints
{
    public string? Title { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
}
