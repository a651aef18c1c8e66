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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
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

            foreach (var channel in s.Channels)
            {
                if (channel.Type != ChannelTypes.Bus)
                {
                    yield return $"{name}: channel type '{channel.Type}' is not delivered by this version of Wirewatch; only 'bus' is.";
                }
            }
        }
    }

    private sealed record SubscriptionsFile
    {
        public List<Subscription>? Subscriptions { get; init; }
    }
}

/// <summary>A subscription that cannot be used; the message names the subscription and the field.</summary>
public sealed class InvalidSubscriptionException(string message) : Exception(message);
