using System.Security.Cryptography;
using System.Text;

namespace Wirewatch.Alerting.Channels;

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com): <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of
/// "&lt;webhook-id&gt;.&lt;webhook-timestamp&gt;.&lt;body&gt;"&gt;</c>, keyed with the bytes of a <c>whsec_&lt;base64&gt;</c> secret.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const string SecretPrefix = "whsec_";

    /// <summary>The key bytes of a <c>whsec_</c> secret; throws <see cref="FormatException"/> (without the secret in the message).</summary>
    public static byte[] ParseSecret(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            throw new FormatException("the secret must start with 'whsec_' followed by base64");
        }

        try
        {
            var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
            return key.Length >= 16 ? key : throw new FormatException("the secret's key must be at least 16 bytes");
        }
        catch (FormatException e) when (!e.Message.Contains("16 bytes", StringComparison.Ordinal))
        {
            throw new FormatException("the part after 'whsec_' is not valid base64");
        }
    }

    public static string Sign(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
