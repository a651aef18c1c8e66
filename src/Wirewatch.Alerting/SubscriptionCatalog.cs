using System.Text.Json;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// The subscriptions in force, loaded from <c>subscriptions.json</c> and validated before they are used; replaced as a
/// whole by <see cref="SubscriptionsReloader"/> when the file changes to a valid set.
/// </summary>
public sealed class SubscriptionCatalog
{
    private volatile IReadOnlyList<Subscription> _subscriptions;

    /// <param name="vocabulary">When given, every topic and entity must be one the classifier knows.</param>
    public SubscriptionCatalog(IEnumerable<Subscription> subscriptions, SubscriptionVocabulary? vocabulary = null)
    {
        var list = subscriptions.ToList();
        var errors = Validate(list, vocabulary).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidSubscriptionException(string.Join(Environment.NewLine, errors));
        }

        _subscriptions = list;
    }

    public IReadOnlyList<Subscription> Subscriptions => _subscriptions;

    /// <summary>Puts a validated set in force at once: the next article is matched against it.</summary>
    public void ReplaceWith(SubscriptionCatalog next) => _subscriptions = next.Subscriptions;

    public static SubscriptionCatalog Load(string path, SubscriptionVocabulary? vocabulary = null)
    {
        SubscriptionsFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize<SubscriptionsFile>(stream, WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidSubscriptionException($"Subscriptions file {JsonErrors.Describe(path, e)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSubscriptionException($"Cannot read subscriptions file '{path}': {e.Message}");
        }

        return new SubscriptionCatalog(file?.Subscriptions ?? [], vocabulary);
    }

    /// <summary>A subscriptions document given as text (the console's backtest form and API).</summary>
    public static SubscriptionCatalog FromJson(string json, SubscriptionVocabulary? vocabulary = null)
    {
        SubscriptionsFile? file;
        try
        {
            file = JsonSerializer.Deserialize<SubscriptionsFile>(json, WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidSubscriptionException($"The subscriptions are not valid JSON: {e.Message}");
        }

        return new SubscriptionCatalog(file?.Subscriptions ?? [], vocabulary);
    }

    private static IEnumerable<string> Validate(IReadOnlyList<Subscription> subscriptions, SubscriptionVocabulary? vocabulary)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < subscriptions.Count; i++)
        {
            var s = subscriptions[i];
            var name = string.IsNullOrWhiteSpace(s.Id) ? $"subscriptions[{i}]" : $"subscription '{s.Id}'";
            if (string.IsNullOrWhiteSpace(s.Id) || !ids.Add(s.Id))
            {
                yield return $"{name}: 'id' is required and must be unique.";
            }

            if (s.Topics.Count == 0)
            {
                yield return $"{name}: 'topics' must name at least one topic.";
            }

            if (vocabulary is not null)
            {
                for (var t = 0; t < s.Topics.Count; t++)
                {
                    if (!vocabulary.Topics.Contains(s.Topics[t]))
                    {
                        yield return $"{name}: 'topics[{t}]' '{s.Topics[t]}' is not a topic of the taxonomy (known: {string.Join(", ", vocabulary.Topics.Order(StringComparer.Ordinal))}).";
                    }
                }

                for (var e = 0; e < s.Entities.Count; e++)
                {
                    if (!vocabulary.KnowsEntity(s.Entities[e]))
                    {
                        yield return $"{name}: 'entities[{e}]' '{s.Entities[e]}' is not in the entity gazetteer (entities.json) and is not a resolution number, so it could never match.";
                    }
                }
            }

            if (s.Match is not ("any" or "all"))
            {
                yield return $"{name}: 'match' must be 'any' or 'all' (was '{s.Match}').";
            }

            if (s.MinScore is < 0 or > 1)
            {
                yield return $"{name}: 'minScore' must be between 0 and 1 (was {s.MinScore}).";
            }

            if (s.Severity.Medium > s.Severity.High)
            {
                yield return $"{name}: 'severity.medium' must not be above 'severity.high'.";
            }

            if (s.Channels.Count == 0)
            {
                yield return $"{name}: 'channels' must name at least one channel.";
            }

            for (var c = 0; c < s.Channels.Count; c++)
            {
                foreach (var error in ValidateChannel(s.Channels[c]))
                {
                    yield return $"{name}: 'channels[{c}]' ({s.Channels[c].Type}): {error}";
                }
            }

            if (s.Digest is { } digest)
            {
                if (string.IsNullOrWhiteSpace(digest.Cron) || !Quartz.CronExpression.IsValidExpression(digest.Cron))
                {
                    yield return $"{name}: 'digest.cron' is not a Quartz cron expression such as '0 0 7 * * ?' (was '{digest.Cron}').";
                }

                if (!TimeZoneInfo.TryFindSystemTimeZoneById(digest.TimeZone, out _))
                {
                    yield return $"{name}: 'digest.timeZone' is not a known time-zone id such as 'Asia/Seoul' (was '{digest.TimeZone}').";
                }

                if (s.Throttle is not null)
                {
                    yield return $"{name}: use 'digest' or 'throttle', not both (a digest already sends one message per period).";
                }
            }

            if (s.Throttle is { } throttle && (throttle.MaxPerHour < 1 || throttle.DigestAfter < 1))
            {
                yield return $"{name}: 'throttle.maxPerHour' and 'throttle.digestAfter' must be at least 1.";
            }
        }
    }

    private static IEnumerable<string> ValidateChannel(ChannelDefinition channel)
    {
        switch (channel.Type)
        {
            case ChannelTypes.Bus:
                break;
            case ChannelTypes.Webhook:
                if (!Uri.TryCreate(channel.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                {
                    yield return $"'url' must be an absolute http(s) URL (was '{channel.Url}').";
                }

                string? secretError = null;
                try
                {
                    Channels.WebhookSecrets.Resolve(channel);
                }
                catch (InvalidOperationException e)
                {
                    secretError = e.Message;
                }

                if (secretError is not null)
                {
                    yield return $"the signing secret: {secretError} (expected 'whsec_' + base64, from 'secretEnv' or 'secretFile').";
                }

                if (channel.Body is not (Channels.WebhookBodies.Bare or Channels.WebhookBodies.Envelope))
                {
                    yield return $"'body' must be 'bare' or 'envelope' (was '{channel.Body}').";
                }

                break;
            case ChannelTypes.Slack or ChannelTypes.Teams:
                string? urlError = null;
                try
                {
                    Channels.ChatWebhookUrl.Resolve(channel);
                }
                catch (InvalidOperationException e)
                {
                    urlError = e.Message;
                }

                if (urlError is not null)
                {
                    yield return $"the incoming-webhook URL: {urlError}.";
                }

                break;
            case ChannelTypes.Email:
                if (channel.To.Count == 0)
                {
                    yield return "'to' must list at least one address.";
                }

                foreach (var address in channel.To)
                {
                    if (!MimeKit.MailboxAddress.TryParse(address, out _))
                    {
                        yield return $"'to' has an invalid address '{address}'.";
                    }
                }

                break;
            default:
                yield return $"channel type '{channel.Type}' is unknown; use 'bus', 'webhook', 'email', 'slack' or 'teams'.";
                break;
        }
    }

    private sealed record SubscriptionsFile
    {
        public List<Subscription>? Subscriptions { get; init; }
    }
}

/// <summary>What the classifier can find: the taxonomy's topic ids and the gazetteer's entities (resolution numbers by pattern).</summary>
public sealed class SubscriptionVocabulary(IEnumerable<string> topics, IEnumerable<string> entities)
{
    private readonly HashSet<string> _entities = new(entities, StringComparer.OrdinalIgnoreCase);

    public IReadOnlySet<string> Topics { get; } = new HashSet<string>(topics, StringComparer.Ordinal);

    public bool KnowsEntity(string entity) => _entities.Contains(entity) || (entity.Length is >= 1 and <= 5 && entity.All(char.IsAsciiDigit));
}

/// <summary>A subscription that cannot be used; the message names the subscription and the field.</summary>
public sealed class InvalidSubscriptionException(string message) : Exception(message);
