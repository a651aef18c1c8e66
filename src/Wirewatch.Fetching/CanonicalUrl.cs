using System.Security.Cryptography;
using System.Text;

namespace Wirewatch.Fetching;

/// <summary>
/// One spelling per article: the fragment and tracking parameters go, so the same page reached from two links
/// gets the same <c>articleId</c>.
/// </summary>
public static class CanonicalUrl
{
    private static readonly string[] TrackingPrefixes = ["utm_"];
    private static readonly HashSet<string> TrackingNames = new(StringComparer.OrdinalIgnoreCase)
        { "fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid", "ocid" };

    public static string Normalize(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url;
        }

        if (uri.IsFile)
        {
            return uri.AbsoluteUri;
        }

        var query = string.Join('&', uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !IsTracking(pair.Split('=')[0])));
        var builder = new UriBuilder(uri)
        {
            Scheme = uri.Scheme.ToLowerInvariant(),
            Host = uri.Host.ToLowerInvariant(),
            Fragment = string.Empty,
            Query = query,
        };
        if (uri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri.AbsoluteUri;
    }

    /// <summary>The first 16 hex digits of the SHA-256 of the canonical URL.</summary>
    public static string ArticleIdFor(string canonicalUrl) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalUrl)))[..16];

    public static string ContentHash(string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static bool IsTracking(string name) =>
        TrackingNames.Contains(name) || TrackingPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
