using Microsoft.Extensions.Configuration;
using Wirewatch.Classification;
using Wirewatch.Classification.Evaluation;
using Wirewatch.Cleaning;
using Wirewatch.Cleaning.Evaluation;
using Wirewatch.Cleaning.Stories;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.Hosting;

namespace Wirewatch.Worker.Cli;

/// <summary><c>wirewatch clean</c> and <c>wirewatch classify</c>: the same stage classes the consumers use, without a bus.</summary>
internal static class StageCommands
{
    public static async Task<int> CleanAsync(string[] inputs, string? url, bool json, string? configFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var configuration = WorkerConfiguration.Build(configFile);
        var cleaner = CreateCleaner(configuration);
        // Stories of this run only: pages given together that are versions of one story share a storyId.
        var stories = new StoryTracker(new InMemoryStoryStore(), TimeProvider.System, new CleanerOptions());
        var output = new CliOutput(stdout, json);
        return await ForEachInputAsync(inputs, url, configuration, output, stderr, cancellationToken, (path, raw) =>
        {
            var result = cleaner.Clean(raw);
            if (result.Article is { } article)
            {
                output.Cleaned(path, stories.AssignAsync(article, cancellationToken).GetAwaiter().GetResult());
            }
            else
            {
                output.Rejected("path", path, result.RejectionReason!, result.RejectionDetail);
            }
        });
    }

    public static async Task<int> ClassifyAsync(string[] inputs, string? url, bool json, string? configFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var configuration = WorkerConfiguration.Build(configFile);
        var settings = WirewatchSettings.Read(configuration);
        var cleaner = CreateCleaner(configuration);
        var classifier = TopicClassifier.Load(settings.TopicsPath, settings.EntitiesPath);
        // As the cleaner consumer does before the classifier sees an article: versions and reprints given together share a storyId.
        var stories = new StoryTracker(new InMemoryStoryStore(), TimeProvider.System, new CleanerOptions());
        var output = new CliOutput(stdout, json);
        return await ForEachInputAsync(inputs, url, configuration, output, stderr, cancellationToken, (path, raw) =>
        {
            var result = cleaner.Clean(raw);
            if (result.Article is { } article)
            {
                output.Classified("path", path, classifier.Classify(stories.AssignAsync(article, cancellationToken).GetAwaiter().GetResult()));
            }
            else
            {
                output.Rejected("path", path, result.RejectionReason!, result.RejectionDetail);
            }
        });
    }

    /// <summary><c>wirewatch eval</c>: cleans and classifies a labelled corpus and prints precision, recall and F1 per topic.</summary>
    public static async Task<int> EvalAsync(string corpusFolder, string split, bool json, string? configFile, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (!CorpusLabels.Splits.Contains(split))
        {
            throw new CliInputException($"--split must be one of {string.Join(", ", CorpusLabels.Splits)} (was '{split}').");
        }

        CorpusLabels corpus;
        try
        {
            corpus = CorpusLabels.Load(corpusFolder);
        }
        catch (InvalidDataException e)
        {
            throw new CliInputException($"--corpus: {e.Message}");
        }

        var configuration = WorkerConfiguration.Build(configFile);
        var settings = WirewatchSettings.Read(configuration);
        var cleaner = CreateCleaner(configuration);
        var classifier = TopicClassifier.Load(settings.TopicsPath, settings.EntitiesPath);
        var articles = new List<(LabelledArticle, ArticleCleaned)>();
        foreach (var label in corpus.InSplit(split))
        {
            var path = corpus.PathOf(label);
            var result = cleaner.Clean(await ReadAsync(path, web: null, cancellationToken));
            articles.Add((label, result.Article
                ?? throw new CliInputException($"--corpus: '{label.File}' was rejected by the cleaner: {result.RejectionReason} {result.RejectionDetail}".TrimEnd())));
        }

        if (articles.Count == 0)
        {
            throw new CliInputException($"--corpus: no article of '{corpusFolder}' is in split '{split}'.");
        }

        EvaluationReport report;
        try
        {
            report = ClassifierEvaluation.Evaluate(classifier, articles);
        }
        catch (InvalidDataException e)
        {
            throw new CliInputException($"--corpus: {e.Message}");
        }

        EvaluationOutput.Write(stdout, report, split, json);
        return WirewatchCli.Success;
    }

    /// <summary><c>wirewatch eval extraction</c>: the Article Extraction Benchmark's metric on a folder in its layout.</summary>
    public static Task<int> EvalExtractionAsync(string corpusFolder, string? outputFolder, bool json, string? configFile, TextWriter stdout)
    {
        var cleaner = CreateCleaner(WorkerConfiguration.Build(configFile));
        ExtractionReport report;
        try
        {
            report = new ExtractionEvaluation(cleaner, DecodePage, TimeProvider.System).Evaluate(corpusFolder, outputFolder);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new CliInputException($"--corpus: {e.Message}");
        }

        ExtractionOutput.Write(stdout, report, json);
        return Task.FromResult(WirewatchCli.Success);
    }

    /// <summary>A saved page's bytes as the fetcher decodes them (BOM, declared charset, sniffing); undecodable bytes are read as UTF-8 with replacements.</summary>
    internal static string DecodePage(byte[] bytes)
    {
        try
        {
            return TextDecoding.Decode(bytes, declaredCharset: null).Text;
        }
        catch (FetchFailedException)
        {
            return System.Text.Encoding.UTF8.GetString(bytes);
        }
    }

    private static WireArticleCleaner CreateCleaner(IConfiguration configuration)
    {
        var options = new CleanerOptions();
        configuration.GetSection("Wirewatch:Cleaner").Bind(options);
        return new WireArticleCleaner(options, CleaningRules.Load(WirewatchSettings.Read(configuration).CleaningRulesPath));
    }

    /// <summary>
    /// Checks every input first, so a missing file is exit code 2 before anything is printed; then each input in turn.
    /// An input that cannot be read (over the size cap, undecodable, an HTTP error) is printed as rejected with its
    /// reason and the batch goes on; the exit code is then 1.
    /// </summary>
    private static async Task<int> ForEachInputAsync(string[] inputs, string? url, IConfiguration configuration, CliOutput output, TextWriter stderr, CancellationToken cancellationToken, Action<string, ArticleFetched> handle)
    {
        var missing = inputs.Where(i => !IsUrl(i) && !File.Exists(i)).ToList();
        if (missing.Count > 0)
        {
            throw new CliInputException($"no such file: {string.Join(", ", missing)} (give files or http(s) URLs).");
        }

        if (url is not null && (inputs.Length != 1 || !IsUrl(url)))
        {
            throw new CliInputException(inputs.Length != 1
                ? "--url names the original address of one saved page: give exactly one input with it."
                : $"--url must be an http(s) URL (was '{url}').");
        }

        var status = WirewatchCli.Success;
        await using var web = inputs.Any(IsUrl) ? CliFetcher.Create(configuration) : null;
        foreach (var input in inputs)
        {
            ArticleFetched raw;
            try
            {
                raw = await ReadAsync(input, web, cancellationToken);
            }
            catch (FetchFailedException e)
            {
                output.Rejected(IsUrl(input) ? "url" : "path", input, e.Reason, e.Message);
                await stderr.WriteLineAsync($"wirewatch: {input}: {e.Message}");
                status = WirewatchCli.Failure;
                continue;
            }

            handle(input, url is null ? raw : raw with { Url = CanonicalUrl.Normalize(url), ArticleId = CanonicalUrl.ArticleIdFor(CanonicalUrl.Normalize(url)) });
        }

        return status;
    }

    /// <summary>A file, or a URL through the fetcher (then <paramref name="web"/> is required), as the fetcher would publish it.</summary>
    private static async Task<ArticleFetched> ReadAsync(string input, CliFetcher? web, CancellationToken cancellationToken)
    {
        if (IsUrl(input))
        {
            return await (web ?? throw new InvalidOperationException("The fetcher is needed for URLs.")).FetchAsync(input, cancellationToken);
        }

        var full = Path.GetFullPath(input);
        var file = await SourceReader.ReadFileAsync(full, new FetcherOptions().MaxBytes, cancellationToken);
        var (text, charset, contentType) = (file.Text, file.Charset, file.ContentType);
        var url = new Uri(full).AbsoluteUri;
        var now = TimeProvider.System.GetUtcNow();
        return new ArticleFetched
        {
            ArticleId = CanonicalUrl.ArticleIdFor(url),
            Version = 1,
            SourceId = "cli",
            Url = url,
            ProducedAt = now,
            Content = text,
            ContentType = contentType,
            Charset = charset,
            ContentHash = CanonicalUrl.ContentHash(text),
            FetchedAt = now,
        };
    }

    private static bool IsUrl(string input) =>
        input.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
