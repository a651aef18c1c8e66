namespace Wirewatch.Contracts;

/// <summary>
/// The cleaned article's identity and headline with its topic scores, the evidence behind them, and its entities.
/// Published to the <c>wirewatch.articles.classified</c> exchange.
/// </summary>
public sealed record ArticleClassified
{
    public required string ArticleId { get; init; }
    public required int Version { get; init; }
    public string? StoryId { get; init; }
    public required string SourceId { get; init; }
    public required string Url { get; init; }
    public required DateTimeOffset ProducedAt { get; init; }

    public required string Headline { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public DateTimeOffset? PublishedAt { get; init; }
    public Dateline? Dateline { get; init; }

    /// <summary>The lead paragraph, so that alerts can quote it without the whole body.</summary>
    public string? Summary { get; init; }

    /// <summary>Every topic of the taxonomy, highest score first.</summary>
    public required IReadOnlyList<TopicScore> Topics { get; init; }

    public required Entities Entities { get; init; }

    /// <summary>Changes whenever the classifier's code or its taxonomy changes.</summary>
    public required string ClassifierVersion { get; init; }

    /// <summary>The earlier article this one updates within its story (a previous version of the URL, or the closest
    /// earlier article of the story: the first issue before a LEAD, the original before a reprint); null for a story's first article.</summary>
    public string? UpdatesArticleId { get; init; }

    /// <summary>The version of <see cref="UpdatesArticleId"/> that this one updates.</summary>
    public int? UpdatesVersion { get; init; }
}

public sealed record TopicScore
{
    /// <summary>Topic id from the taxonomy: <c>sanctions</c>, <c>human_rights</c>, <c>defense</c>, ...</summary>
    public required string Topic { get; init; }

    /// <summary>0..1.</summary>
    public required double Score { get; init; }

    /// <summary>True when the score reaches the topic's threshold: the article is substantially about it.</summary>
    public required bool Match { get; init; }

    public required IReadOnlyList<Evidence> Evidence { get; init; }
}

/// <summary>A term that counted towards a topic, how often it occurred, and the first sentence it occurred in.</summary>
public sealed record Evidence
{
    public required string Term { get; init; }
    public required int Count { get; init; }
    public required string Snippet { get; init; }
}

public sealed record Entities
{
    public IReadOnlyList<string> People { get; init; } = [];
    public IReadOnlyList<string> Organizations { get; init; } = [];
    public IReadOnlyList<string> Places { get; init; } = [];

    /// <summary>UN Security Council resolution numbers, e.g. <c>2270</c>.</summary>
    public IReadOnlyList<string> Resolutions { get; init; } = [];
}
