using Wirewatch.Fetching;

namespace Wirewatch.WebConsole;

/// <summary>The configured sources with what the fetcher recorded of their last cycle.</summary>
public sealed class SourceOverview(Func<SourceCatalog> sources, ISourceStatusStore status)
{
    public async Task<IReadOnlyList<SourceView>> ListAsync(CancellationToken cancellationToken)
    {
        var recorded = (await status.AllAsync(cancellationToken)).ToDictionary(s => s.SourceId, StringComparer.Ordinal);
        return sources().Sources
            .Select(s => new SourceView(s.Id, s.Kind, Where(s), s.Enabled, recorded.GetValueOrDefault(s.Id)))
            .ToList();
    }

    /// <summary>The URL without user information (a feed URL may carry credentials) or the path.</summary>
    private static string Where(SourceDefinition source) =>
        source.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.AbsoluteUri
            : source.Path ?? "";
}

/// <param name="Status">Null until the fetcher has run the source once (or when the fetcher runs elsewhere with its own store).</param>
public sealed record SourceView(string Id, string Kind, string Where, bool Enabled, SourceStatus? Status);
