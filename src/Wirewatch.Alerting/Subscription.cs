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
    public string? Url { get; init; }
    public string? SecretEnv { get; init; }
    public IReadOnlyList<string> To { get; init; } = [];
}

public static class ChannelTypes
{
    /// <summary><c>AlertRaised</c> on the <c>wirewatch.alerts</c> topic exchange.</summary>
    public const string Bus = "bus";

    /// <summary>Reserved for signed webhooks (not delivered by this version: refused at start).</summary>
    public const string Webhook = "webhook";

    /// <summary>Reserved for SMTP delivery (not delivered by this version: refused at start).</summary>
    public const string Email = "email";
}
