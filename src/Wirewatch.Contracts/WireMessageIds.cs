using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Wirewatch.Contracts;

/// <summary>
/// The AMQP <c>message-id</c> of every message Wirewatch publishes, derived from what the message is about, so that a
/// republication (after a crash, a lost publisher confirm, a redelivered input) carries the id of the first copy and a
/// downstream service de-duplicates on it. The id is a UUID made of the first 16 bytes of the SHA-256 of the key
/// (in .NET <see cref="Guid"/> byte order); de-duplicate on the string, there is no need to recompute it.
/// </summary>
public static class WireMessageIds
{
    /// <summary>
    /// The key a message's id is the hash of: <c>fetched:&lt;articleId&gt;:&lt;version&gt;</c>,
    /// <c>cleaned:&lt;articleId&gt;:&lt;version&gt;</c>, <c>classified:&lt;articleId&gt;:&lt;version&gt;:&lt;classifierVersion&gt;</c>,
    /// <c>rejected:&lt;stage&gt;:&lt;articleId&gt;:&lt;version&gt;</c>, the alert id for <see cref="AlertRaised"/>,
    /// <c>digest:&lt;digestId&gt;</c>, <c>failed:&lt;alertId&gt;:&lt;channel&gt;:&lt;endpoint&gt;:&lt;failedAt&gt;</c>; null for anything else.
    /// </summary>
    public static string? KeyFor(object message) => message switch
    {
        ArticleFetched m => $"fetched:{m.ArticleId}:{Number(m.Version)}",
        ArticleCleaned m => $"cleaned:{m.ArticleId}:{Number(m.Version)}",
        // A new taxonomy or classifier reclassifies the same version: that is a new message, not a copy.
        ArticleClassified m => $"classified:{m.ArticleId}:{Number(m.Version)}:{m.ClassifierVersion}",
        ArticleRejected m => $"rejected:{m.Stage}:{m.ArticleId}:{Number(m.Version)}",
        AlertRaised m => m.AlertId,
        AlertDigest m => $"digest:{m.DigestId}",
        AlertDeliveryFailed m => $"failed:{m.AlertId}:{m.Channel}:{m.Endpoint}:{m.FailedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}",
        _ => null,
    };

    /// <summary>The message id of <paramref name="message"/>, or null when it is not a Wirewatch message.</summary>
    public static Guid? For(object message) => KeyFor(message) is { } key ? FromKey(key) : null;

    /// <summary>A stable GUID per key: the first 16 bytes of its SHA-256.</summary>
    public static Guid FromKey(string key) => new(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>AMQP headers Wirewatch sets on the messages it publishes; names are contracts.</summary>
public static class WireHeaders
{
    /// <summary>
    /// <c>wirewatch-schema</c>: the major version of the message's JSON Schema (an integer, now 1). It changes only when
    /// a message changes incompatibly, and then the new shape goes out under a new message type and exchange first.
    /// </summary>
    public const string SchemaVersion = "wirewatch-schema";

    public const int CurrentSchemaVersion = 1;

    /// <summary>On <c>wirewatch.alerts.by-subscription</c>: the alert's subscription id.</summary>
    public const string Subscription = "wirewatch-subscription";

    /// <summary>On <c>wirewatch.alerts.by-subscription</c>: <c>high</c>, <c>medium</c> or <c>low</c>.</summary>
    public const string Severity = "wirewatch-severity";

    /// <summary>On <c>wirewatch.alerts.by-subscription</c>: one header <c>wirewatch-topic-&lt;topic&gt;</c> = <c>true</c> per matched topic.</summary>
    public const string TopicPrefix = "wirewatch-topic-";

    /// <summary>The string value of every <see cref="TopicPrefix"/> header (a headers exchange compares type and value).</summary>
    public const string TopicMatched = "true";
}
