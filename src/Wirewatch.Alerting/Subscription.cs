namespace Wirewatch.Alerting;

/// <summary>One entry of <c>subscriptions.json</c>: what a subscriber wants to hear about, and where.</summary>
public sealed record Subscription
{
    public required string Id { get; init; }

    /// <summary>Topic ids; the article must match <c>any</c> (default) or <c>all</c> of them, see <see cref="Match"/>.</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary><c>any</c> or <c>all</c>.</summary>
    public string Match { get; init; } = "any";

    /// <summary>A topic counts only when the classifier matched it and its score reaches this.</summary>
    public double MinScore { get; init; } = 0.5;

    /// <summary>Words that must (any) or must not (none) appear in the headline or body.</summary>
    public KeywordFilter? Keywords { get; init; }

    /// <summary>When given, at least one of these entities must have been found in the article.</summary>
    public IReadOnlyList<string> Entities { get; init; } = [];

    /// <summary>When given, only articles from these source ids.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    public SeverityThresholds Severity { get; init; } = new();

    public IReadOnlyList<ChannelDefinition> Channels { get; init; } = [new ChannelDefinition { Type = ChannelTypes.Bus }];

    /// <summary>Past <c>maxPerHour</c>, alerts are batched into digests instead of sent one by one (never dropped).</summary>
    public ThrottleDefinition? Throttle { get; init; }

    /// <summary>A scheduled digest: the channels other than the bus get one message per period instead of each alert.</summary>
    public DigestDefinition? Digest { get; init; }
}

/// <summary><c>"digest": {"cron": "0 0 7 * * ?", "timeZone": "Asia/Seoul"}</c>: a Quartz cron expression and the zone it reads in.</summary>
public sealed record DigestDefinition
{
    public required string Cron { get; init; }

    /// <summary>An IANA (or Windows) time-zone id; default UTC.</summary>
    public string TimeZone { get; init; } = "UTC";

    [System.Text.Json.Serialization.JsonIgnore]
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}

public sealed record ThrottleDefinition
{
    /// <summary>Alerts sent one by one in any rolling hour.</summary>
    public int MaxPerHour { get; init; } = 20;

    /// <summary>Held alerts go out as one digest once this many are waiting (or when the hour has room again).</summary>
    public int DigestAfter { get; init; } = 5;
}

public sealed record KeywordFilter
{
    public IReadOnlyList<string> Any { get; init; } = [];
    public IReadOnlyList<string> None { get; init; } = [];
}

/// <summary>The top matched score decides: at least <see cref="High"/> is high, at least <see cref="Medium"/> medium, else low.</summary>
public sealed record SeverityThresholds
{
    public double High { get; init; } = 0.85;
    public double Medium { get; init; } = 0.7;
}

public sealed record ChannelDefinition
{
    public required string Type { get; init; }

    /// <summary>Webhook: the https (or http) URL alerts are POSTed to.</summary>
    public string? Url { get; init; }

    /// <summary>Webhook: the environment variable holding the signing secret (<c>whsec_&lt;base64&gt;</c>).</summary>
    public string? SecretEnv { get; init; }

    /// <summary>Webhook: a file holding the signing secret (a mounted secret), instead of <see cref="SecretEnv"/>.</summary>
    public string? SecretFile { get; init; }

    /// <summary>Webhook: <c>bare</c> (the default: the alert or digest JSON alone, as receivers got it before) or
    /// <c>envelope</c> (Standard Webhooks: <c>{"type","timestamp","data"}</c>).</summary>
    public string Body { get; init; } = Channels.WebhookBodies.Bare;

    /// <summary>Slack, Teams: the environment variable holding the incoming-webhook URL (a secret), instead of <see cref="Url"/>.</summary>
    public string? UrlEnv { get; init; }

    /// <summary>Email: the recipients.</summary>
    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>
    /// The channel's identity in the alert ledger and the dead-letter store: <c>bus</c>, <c>webhook:&lt;url&gt;</c>,
    /// <c>email:&lt;recipients&gt;</c>. Never holds a secret.
    /// </summary>
    public string Key => Type switch
    {
        ChannelTypes.Webhook => $"webhook:{Url}",
        ChannelTypes.Slack or ChannelTypes.Teams => Channels.ChatWebhookUrl.KeyFor(this),
        ChannelTypes.Email => $"email:{string.Join(",", To)}",
        _ => Type,
    };

    /// <summary>Where the channel delivers, for logs and failure events: the URL or the recipients.</summary>
    public string Endpoint => Type switch
    {
        ChannelTypes.Webhook => Url ?? "",
        ChannelTypes.Slack or ChannelTypes.Teams => Channels.ChatWebhookUrl.Redacted(this),
        ChannelTypes.Email => string.Join(",", To),
        _ => Type,
    };
}

public static class ChannelTypes
{
    /// <summary><c>AlertRaised</c> on the <c>wirewatch.alerts</c> topic exchange.</summary>
    public const string Bus = "bus";

    /// <summary>A POST of the alert JSON, signed as Standard Webhooks says.</summary>
    public const string Webhook = "webhook";

    /// <summary>An email through the configured SMTP server.</summary>
    public const string Email = "email";

    /// <summary>A Slack incoming webhook: Block Kit blocks.</summary>
    public const string Slack = "slack";

    /// <summary>A Microsoft Teams incoming webhook (or Workflows webhook): an Adaptive Card in a message attachment.</summary>
    public const string Teams = "teams";
}
