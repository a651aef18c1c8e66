using Wirewatch.Contracts;

namespace Wirewatch.Cleaning;

/// <summary>Either a cleaned article or a rejection with a reason code; never garbage.</summary>
public sealed record CleaningResult
{
    public ArticleCleaned? Article { get; private init; }
    public string? RejectionReason { get; private init; }
    public string? RejectionDetail { get; private init; }

    public bool IsRejected => Article is null;

    public static CleaningResult Cleaned(ArticleCleaned article) => new() { Article = article };

    public static CleaningResult Rejected(string reason, string detail) =>
        new() { RejectionReason = reason, RejectionDetail = detail };
}

/// <summary>The codes a cleaned article's <c>warnings</c> and a rejection's <c>reason</c> can carry (docs/cleaning.md says what each means).</summary>
public static class CleaningCodes
{
    public const string DatelineDateMismatch = "dateline-date-mismatch";
    public const string NoTimestamp = "no-timestamp";
    public const string NoDateline = "no-dateline";
    public const string ShortBody = "short-body";
    public const string Truncated = "truncated";
    public const string EncodingRepaired = "encoding-repaired";
    public const string ZonelessTime = "zoneless-time";

    public const string Empty = "empty";
    public const string Binary = "binary";
    public const string NoHeadline = "no-headline";
    public const string NoBody = "no-body";
    public const string NotFoundPage = "not-found-page";
}
