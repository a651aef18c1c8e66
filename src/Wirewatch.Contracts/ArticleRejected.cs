namespace Wirewatch.Contracts;

/// <summary>
/// An article a stage could not process, with a reason code (e.g. <c>empty</c>, <c>binary</c>, <c>no-body</c>).
/// Published to <c>wirewatch.articles.rejected</c> so that nothing disappears silently.
/// </summary>
public sealed record ArticleRejected
{
    public required string ArticleId { get; init; }
    public required int Version { get; init; }
    public required string SourceId { get; init; }
    public required string Url { get; init; }
    public required DateTimeOffset ProducedAt { get; init; }

    /// <summary>The stage that rejected it: <c>cleaner</c>, <c>classifier</c> or <c>alerter</c>.</summary>
    public required string Stage { get; init; }

    /// <summary>A short code a machine can count.</summary>
    public required string Reason { get; init; }

    /// <summary>A sentence for humans.</summary>
    public string? Detail { get; init; }
}
