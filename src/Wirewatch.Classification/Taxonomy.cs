using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Wirewatch.Contracts;

namespace Wirewatch.Classification;

/// <summary>
/// The topics and their weighted terms, read from <c>topics.json</c>. An operator adds a topic by editing the file.
/// A term with weight 0 is a false friend: where it matches, the shorter terms inside it do not count
/// ("defense attorney" cancels "defense"). A negative weight is context against the topic ("striker", "league"):
/// it subtracts from the topic's mass, which never goes below zero.
/// </summary>
public sealed class Taxonomy
{
    public required IReadOnlyList<TopicDefinition> Topics { get; init; }

    /// <summary>Short hash of the file's content: part of <c>classifierVersion</c>.</summary>
    public required string ContentHash { get; init; }

    public static Taxonomy Load(string path)
    {
        byte[] bytes;
        TaxonomyFile? file;
        try
        {
            bytes = File.ReadAllBytes(path);
            file = JsonSerializer.Deserialize<TaxonomyFile>(bytes, WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Topics file {JsonErrors.Describe(path, e)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Cannot read topics file '{path}': {e.Message}", e);
        }

        var topics = file?.Topics ?? [];
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (topic, i) in topics.Select((t, i) => (t, i)))
        {
            var name = string.IsNullOrWhiteSpace(topic.Id) ? $"topics[{i}]" : $"topic '{topic.Id}'";
            if (string.IsNullOrWhiteSpace(topic.Id) || !ids.Add(topic.Id))
            {
                errors.Add($"{name}: 'id' is required and must be unique.");
            }

            if (topic.Threshold is <= 0 or >= 1)
            {
                errors.Add($"{name}: 'threshold' must be between 0 and 1 (was {topic.Threshold}).");
            }

            if (topic.Scale <= 0)
            {
                errors.Add($"{name}: 'scale' must be positive (was {topic.Scale}).");
            }

            if (topic.Terms.Count == 0)
            {
                errors.Add($"{name}: 'terms' must not be empty.");
            }

            errors.AddRange(topic.Terms.Where(t => string.IsNullOrWhiteSpace(t.Term) || Tokenizer.Words(t.Term.TrimEnd('*')).Length == 0)
                .Select(t => $"{name}: term '{t.Term}' needs at least one word."));
        }

        if (topics.Count == 0)
        {
            errors.Add("'topics' must list at least one topic.");
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException($"Topics file '{path}' is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }

        return new Taxonomy { Topics = topics, ContentHash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..8] };
    }

    private sealed record TaxonomyFile
    {
        public List<TopicDefinition>? Topics { get; init; }
    }
}

public sealed record TopicDefinition
{
    public required string Id { get; init; }
    public string? Label { get; init; }
    public string? Description { get; init; }

    /// <summary>Score at which the article counts as substantially about the topic.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Calibration: the weighted, length-normalised term mass at which the score reaches 1 - 1/e.</summary>
    public double Scale { get; init; } = 6;

    public IReadOnlyList<TermDefinition> Terms { get; init; } = [];
}

public sealed record TermDefinition
{
    public required string Term { get; init; }
    public double Weight { get; init; } = 1;
}
