using System.CommandLine;
using BenchmarkDotNet.Running;
using Wirewatch.Benchmarks.Pipeline;
using Wirewatch.Tests.Shared.Load;

namespace Wirewatch.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Wirewatch.Benchmarks -- pipeline [--articles N] [--quick] [--postgres] [--cleaners 1,2,4]</c>: the load
/// harness on a private RabbitMQ node (with <c>--postgres</c>, the roles' state on a private PostgreSQL).
/// <c>-- store-costs</c>: each role's state per article on SQLite and on PostgreSQL. Anything else goes to BenchmarkDotNet's kernel benchmarks, e.g.
/// <c>-- --filter '*Cleaning*'</c>. <c>-- feed-candidates</c> compares the feed readers issue 17 names on the fixture feeds;
/// <c>-- extraction-candidates --corpus DIR</c> compares SmartReader with our cleaner on the extraction benchmark. Each benchmark holds Wirewatch's stage and its raw baseline side by side, so
/// ratios come from one run.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["feed-candidates"])
        {
            return Feeds.FeedCandidates.Run(Console.Out);
        }

        if (args is ["extraction-candidates", "--corpus", var corpus])
        {
            return Extraction.ExtractionCandidates.Run(corpus, Console.Out);
        }

        if (args.Length == 0 || args[0] is not ("pipeline" or "synthetic" or "profile-cleaner" or "store-costs"))
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }

        var articles = new Option<int?>("--articles") { Description = "Articles per phase (default 2000; 300 with --quick)." };
        var quick = new Option<bool>("--quick") { Description = "Smoke mode: fewer articles, classic queues only, no growth runs; a few minutes on 2 cores." };
        var postgres = new Option<bool>("--postgres") { Description = "Every role keeps its state in a private PostgreSQL (a fresh database per phase) instead of its SQLite file." };
        var concurrency = new Option<int>("--concurrency") { Description = "Messages each consumer works on at once (Wirewatch:ConcurrentMessages).", DefaultValueFactory = _ => 8 };
        var cleaners = new Option<string?>("--cleaners") { Description = "Only the pipeline, once per count of cleaner replicas (e.g. 1,2,4), with each role's CPU per article." };
        var pipeline = new Command("pipeline", "The load harness: each stage alone, the whole pipeline, the bus alone and raw RabbitMQ.Client, on one private broker.")
        {
            articles, quick, concurrency, postgres, cleaners,
        };
        pipeline.SetAction(async (parse, _) =>
        {
            var isQuick = parse.GetValue(quick);
            int[]? cleanerCounts = null;
            if (parse.GetValue(cleaners) is { } list)
            {
                cleanerCounts = [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => int.TryParse(n, out var c) && c is > 0 and <= 16 ? c : 0)];
                if (cleanerCounts.Length == 0 || cleanerCounts.Contains(0))
                {
                    await Console.Error.WriteLineAsync($"--cleaners: '{list}' is not a comma-separated list of counts from 1 to 16 (e.g. 1,2,4).");
                    return 2;
                }
            }

            var settings = new PipelineSettings(parse.GetValue(articles) ?? (isQuick ? 300 : 2000), isQuick, parse.GetValue(concurrency), parse.GetValue(postgres), cleanerCounts);
            return await new PipelineHarness(settings, Console.Out, WorkerProcess.LocateWorker()).RunAsync();
        });
        var outFolder = new Option<string>("--out") { Description = "Folder to write the articles into.", Required = true };
        var count = new Option<int>("--count") { Description = "How many articles.", DefaultValueFactory = _ => 100 };
        var synthetic = new Command("synthetic", "Writes the harness's synthetic articles (our own writing, one topic each) into a folder, e.g. for a directory source.")
        {
            outFolder, count,
        };
        synthetic.SetAction(parse =>
        {
            var folder = Directory.CreateDirectory(parse.GetValue(outFolder)!).FullName;
            foreach (var article in SyntheticArticles.Create(parse.GetValue(count)))
            {
                File.WriteAllText(Path.Combine(folder, article.FileName), article.Text);
            }

            return 0;
        });
        var profileArticles = new Option<int>("--articles") { Description = "How many articles.", DefaultValueFactory = _ => 1000 };
        var profile = new Command("profile-cleaner", "Where the cleaner role's time per article goes, without the bus (Stopwatch per part).")
        {
            profileArticles,
        };
        profile.SetAction(async (parse, _) => await CleanerProfile.RunAsync(parse.GetValue(profileArticles), Console.Out));
        var storeArticles = new Option<int>("--articles") { Description = "How many articles.", DefaultValueFactory = _ => 500 };
        var storeCosts = new Command("store-costs", "What each role's state costs per article on SQLite and on a private PostgreSQL, through the state seam.")
        {
            storeArticles,
        };
        storeCosts.SetAction(async (parse, _) => await StoreCosts.RunAsync(parse.GetValue(storeArticles), Console.Out));
        var root = new RootCommand("Wirewatch benchmarks") { pipeline, synthetic, profile, storeCosts };
        return await root.Parse(args).InvokeAsync();
    }
}
