namespace Wirewatch.Fetching;

/// <summary>A fetch that failed for good (after retries), with a short reason code for metrics and logs.</summary>
public sealed class FetchFailedException(string reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>E.g. <c>http-404</c>, <c>too-large</c>, <c>timeout</c>, <c>network</c>, <c>invalid-feed</c>.</summary>
    public string Reason { get; } = reason;
}
