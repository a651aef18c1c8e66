using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting.Channels;

/// <summary>How one chat tool wants an alert (and a digest) in its incoming webhook.</summary>
public interface IChatFormatter
{
    JsonObject Alert(AlertRaised alert);

    JsonObject Digest(AlertDigest digest);
}

/// <summary>
/// A chat tool's incoming webhook (<c>slack</c>, <c>teams</c>): the alert in the tool's own format, POSTed through the
/// same <see cref="WebhookPoster"/> (retries, breaker, 410 disables, dead letters) as signed webhooks. Incoming webhooks
/// are unsigned: their URL is the secret, so it can come from <c>urlEnv</c> and is never logged or put in the ledger.
/// </summary>
public sealed class ChatAlertChannel(string type, IChatFormatter formatter, WebhookPoster poster) : IAlertChannel
{
    public string Type => type;

    public Task<ChannelResult> DeliverAsync(AlertRaised alert, ChannelDefinition channel, CancellationToken cancellationToken) =>
        PostAsync(formatter.Alert(alert), channel, cancellationToken);

    public Task<ChannelResult> DeliverDigestAsync(AlertDigest digest, ChannelDefinition channel, CancellationToken cancellationToken) =>
        PostAsync(formatter.Digest(digest), channel, cancellationToken);

    private Task<ChannelResult> PostAsync(JsonObject message, ChannelDefinition channel, CancellationToken cancellationToken) =>
        poster.PostAsync(ChatWebhookUrl.Resolve(channel), channel.Endpoint, JsonSerializer.SerializeToUtf8Bytes(message), [], cancellationToken);
}

/// <summary>The incoming-webhook URL of a chat channel: <c>url</c>, or the environment variable named by <c>urlEnv</c>.</summary>
public static class ChatWebhookUrl
{
    /// <summary>The URL; throws <see cref="InvalidOperationException"/> naming what is wrong (never the URL itself).</summary>
    public static string Resolve(ChannelDefinition channel)
    {
        var url = !string.IsNullOrWhiteSpace(channel.UrlEnv) ? Environment.GetEnvironmentVariable(channel.UrlEnv) : channel.Url;
        var where = !string.IsNullOrWhiteSpace(channel.UrlEnv) ? $"environment variable '{channel.UrlEnv}'" : "'url'";
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException($"{where} is not set: give 'url' or 'urlEnv'");
        }

        return Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : throw new InvalidOperationException($"{where} is not an absolute http(s) URL");
    }

    /// <summary>The ledger's identity of the channel: the variable's name, or a hash of the URL (the URL is a secret).</summary>
    public static string KeyFor(ChannelDefinition channel) =>
        !string.IsNullOrWhiteSpace(channel.UrlEnv)
            ? $"{channel.Type}:env:{channel.UrlEnv}"
            : $"{channel.Type}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(channel.Url ?? ""))).AsSpan(0, 16)}";

    /// <summary>What logs and failure events may say: <c>$VARIABLE</c>, or the URL's scheme and host with the path hidden.</summary>
    public static string Redacted(ChannelDefinition channel) =>
        !string.IsNullOrWhiteSpace(channel.UrlEnv) ? "$" + channel.UrlEnv
        : Uri.TryCreate(channel.Url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "(invalid url)";
}
