using System.Security.Cryptography;
using System.Text;
using Wirewatch.Contracts;

namespace Wirewatch.Tests.Shared;

/// <summary>Builds <see cref="ArticleFetched"/> messages from files or text, as the fetcher would.</summary>
internal static class Articles
{
    public static readonly DateTimeOffset FixedNow = new(2026, 1, 15, 3, 0, 0, TimeSpan.Zero);

    public static ArticleFetched FromFile(string path, string sourceId = "test")
    {
        var contentType = Path.GetExtension(path) is ".html" or ".htm" ? "text/html" : "text/plain";
        return FromText(File.ReadAllText(path), new Uri(Path.GetFullPath(path)).AbsoluteUri, contentType, sourceId);
    }

    public static ArticleFetched FromText(string content, string url = "https://wire.example/a/1", string contentType = "text/plain", string sourceId = "test", int version = 1) => new()
    {
        ArticleId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16],
        Version = version,
        SourceId = sourceId,
        Url = url,
        ProducedAt = FixedNow,
        Content = content,
        ContentType = contentType,
        Charset = "utf-8",
        ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))),
        FetchedAt = FixedNow,
    };
}
