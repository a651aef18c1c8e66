namespace Wirewatch.Fetching;

/// <summary>What one source may do on the web: its caps, its charset override, its pacing, and which hosts may be private.</summary>
public sealed record FetchPolicy(string SourceId, Uri? SourceUrl, bool AllowPrivate, long MaxBytes, string? Encoding, TimeSpan MinInterval)
{
    public static FetchPolicy For(SourceDefinition source, FetcherOptions options) => new(
        source.Id,
        Uri.TryCreate(source.Url, UriKind.Absolute, out var url) ? url : null,
        source.AllowPrivate,
        source.MaxBytes ?? options.MaxBytes,
        source.Encoding,
        source.MinInterval ?? options.MinHostInterval);

    /// <summary>
    /// A private address is reachable only on the source's own host (the operator configured it) or when the source
    /// says <c>allowPrivate</c>; every other host goes through the public-only client.
    /// </summary>
    public bool MayReachPrivate(Uri url) =>
        AllowPrivate || (SourceUrl is not null && string.Equals(url.IdnHost, SourceUrl.IdnHost, StringComparison.OrdinalIgnoreCase));
}
