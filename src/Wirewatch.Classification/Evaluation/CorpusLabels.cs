using System.Text.Json;
using Wirewatch.Contracts;

namespace Wirewatch.Classification.Evaluation;

/// <summary>One labelled article of an evaluation corpus: a file beside <c>labels.json</c>, its topics, and its split.</summary>
public sealed record LabelledArticle
{
    public required string File { get; init; }
    public IReadOnlyList<string> Topics { get; init; } = [];
    public required string Split { get; init; }
}

/// <summary>
/// A corpus folder: article files and <c>labels.json</c>, <c>{"articles":[{"file":..., "topics":[...], "split":"dev"|"test"}]}</c>.
/// An article with no topics is a negative for every topic.
/// </summary>
public sealed class CorpusLabels
{
    public const string LabelsFile = "labels.json";
    public static readonly IReadOnlyList<string> Splits = ["dev", "test", "all"];

    public required string Folder { get; init; }
    public required IReadOnlyList<LabelledArticle> Articles { get; init; }

    public string PathOf(LabelledArticle article) => Path.Combine(Folder, article.File);

    public IEnumerable<LabelledArticle> InSplit(string split) =>
        split == "all" ? Articles : Articles.Where(a => a.Split == split);

    /// <summary>Reads and checks the labels; every problem is an <see cref="InvalidDataException"/> that names it.</summary>
    public static CorpusLabels Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvalidDataException($"corpus folder '{folder}' does not exist.");
        }

        var path = Path.Combine(folder, LabelsFile);
        if (!System.IO.File.Exists(path))
        {
            throw new InvalidDataException($"corpus folder '{folder}' has no {LabelsFile}.");
        }

        LabelsDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<LabelsDocument>(System.IO.File.ReadAllBytes(path), WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(JsonErrors.Describe(path, e), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read '{path}': {e.Message}", e);
        }

        var articles = document?.Articles ?? [];
        var errors = new List<string>();
        if (articles.Count == 0)
        {
            errors.Add("'articles' must list at least one article.");
        }

        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (article, i) in articles.Select((a, i) => (a, i)))
        {
            var name = string.IsNullOrWhiteSpace(article.File) ? $"articles[{i}]" : $"'{article.File}'";
            if (string.IsNullOrWhiteSpace(article.File) || !files.Add(article.File))
            {
                errors.Add($"{name}: 'file' is required and must be unique.");
            }
            else if (!System.IO.File.Exists(Path.Combine(folder, article.File)))
            {
                errors.Add($"{name}: no such file in the corpus folder.");
            }

            if (article.Split is not ("dev" or "test"))
            {
                errors.Add($"{name}: 'split' must be \"dev\" or \"test\" (was {(article.Split is null ? "missing" : $"\"{article.Split}\"")}).");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException($"labels file '{path}' is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }

        return new CorpusLabels
        {
            Folder = Path.GetFullPath(folder),
            Articles = articles.Select(a => new LabelledArticle { File = a.File!, Topics = a.Topics ?? [], Split = a.Split! }).ToList(),
        };
    }

    private sealed record LabelsDocument
    {
        public List<LabelsEntry>? Articles { get; init; }
    }

    private sealed record LabelsEntry
    {
        public string? File { get; init; }
        public List<string>? Topics { get; init; }
        public string? Split { get; init; }
    }
}
