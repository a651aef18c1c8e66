using System.CommandLine;
using BenchmarkDotNet.Running;
using Wirewatch.Benchmarks.Pipeline;
using Wirewatch.Tests.Shared.Load;

namespace Wirewatch.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Wirewatch.Benchmarks -- pipeline [--articles N] [--quick]</c>: the load
/// harness on a private RabbitMQ node. Anything else goes to BenchmarkDotNet's kernel benchmarks, e.g.
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

        if (args.Length == 0 || args[0] is not ("pipeline" or "synthetic" or "profile-cleaner"))
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }

        var articles = new Option<int?>("--articles") { Description = "Articles per phase (default 2000; 300 with --quick)." };
        var quick = new Option<bool>("--quick") { Description = "Smoke mode: fewer articles, classic queues only, no growth runs; a few minutes on 2 cores." };
        var concurrency = new Option<int>("--concurrency") { Description = "Messages each consumer works on at once (Wirewatch:ConcurrentMessages).", DefaultValueFactory = _ => 8 };
        var pipeline = new Command("pipeline", "The load harness: each stage alone, the whole pipeline, the bus alone and raw RabbitMQ.Client, on one private broker.")
        {
            articles, quick, concurrency,
        };
        pipeline.SetAction(async (parse, _) =>
        {
            var isQuick = parse.GetValue(quick);
            var settings = new PipelineSettings(parse.GetValue(articles) ?? (isQuick ? 300 : 2000), isQuick, parse.GetValue(concurrency));
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
        var root = new RootCommand("Wirewatch benchmarks") { pipeline, synthetic, profile };
        return await root.Parse(args).InvokeAsync();
    }
}
