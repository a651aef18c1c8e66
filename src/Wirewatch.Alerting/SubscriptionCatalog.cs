using System.Text.Json;
using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>The subscriptions, loaded from <c>subscriptions.json</c> and validated once at start.</summary>
public sealed class SubscriptionCatalog
{
    public SubscriptionCatalog(IEnumerable<Subscription> subscriptions)
    {
        Subscriptions = subscriptions.ToList();
        var errors = Validate(Subscriptions).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidSubscriptionException(string.Join(Environment.NewLine, errors));
        }
    }

    public IReadOnlyList<Subscription> Subscriptions { get; }

    public static SubscriptionCatalog Load(string path)
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

        return new SubscriptionCatalog(file?.Subscriptions ?? []);
    }

    private static IEnumerable<string> Validate(IReadOnlyList<Subscription> subscriptions)
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

/// <summary>A subscription that cannot be used; the message names the subscription and the field.</summary>
public sealed class InvalidSubscriptionException(string message) : Exception(message);
