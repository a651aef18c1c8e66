namespace Wirewatch.Fetching;

/// <summary>A fetch that failed for good (after retries), with a short reason code for metrics and logs.</summary>
public sealed class FetchFailedException(string reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The reasons that say "this content is refused" rather than "something went wrong": see docs/fetching.md.</summary>
    private static readonly HashSet<string> Rejections = new(StringComparer.Ordinal)
    {
        "private-address", "robots-disallowed", "too-large", "not-text", "undecodable", "unsupported-scheme", "too-many-redirects",
    };

    /// <summary>E.g. <c>http-404</c>, <c>too-large</c>, <c>timeout</c>, <c>network</c>, <c>invalid-feed</c>.</summary>
    public string Reason { get; } = reason;

    /// <summary>
    /// True for a refusal of the content (counted in <c>wirewatch.fetch.rejected</c>); false for an error
    /// (<c>wirewatch.fetch.errors</c>): transient failures, server errors, broken feeds, a broker that did not confirm.
    /// </summary>
    public bool IsRejection => IsRejectionReason(Reason);

    public static bool IsRejectionReason(string reason) =>
        Rejections.Contains(reason) || (reason.StartsWith("http-4", StringComparison.Ordinal) && reason is not ("http-408" or "http-429"));
}
