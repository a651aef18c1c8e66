using System.CommandLine;
using Wirewatch.Alerting;
using Wirewatch.Fetching;
using Wirewatch.Hosting;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// The <c>wirewatch</c> command: <c>run</c> (default), <c>once</c>, <c>clean</c>, <c>classify</c>, <c>eval</c>, <c>sources check|import|export</c>, <c>subscriptions check|test</c>, <c>alerts replay</c>, <c>errors</c>, <c>health</c>.
/// Exit codes: 0 success, 2 bad arguments or configuration (with a message saying what to fix), 1 anything else.
/// </summary>
public static class WirewatchCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    public static async Task<int> InvokeAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var config = new Option<string?>("--config") { Description = "A JSON settings file layered over appsettings.json and the environment.", Recursive = true };
        var json = new Option<bool>("--json") { Description = "One JSON object per line on stdout; logs stay on stderr." };

        var run = new Command("run", "The long-running worker: roles and transport from configuration; health on /health/live and /health/ready.");
        run.SetAction((parse, ct) => Guard(stderr, () => RunCommand.RunAsync(parse.GetValue(config), ct)));

        var sources = new Option<string[]>("--source") { Description = "A folder, a file, or an http(s) URL of a feed or page (repeatable). Default: the shipped samples.", AllowMultipleArgumentsPerToken = false };
        var subscriptions = new Option<string?>("--subscriptions") { Description = "A subscriptions.json to use instead of the configured one." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where state lives between runs. Default: a temporary folder, so every run starts fresh." };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the pipeline to finish (a whole number, default 120).",
            DefaultValueFactory = _ => 120,
            CustomParser = WholeSeconds,
        };
        var once = new Command("once", "One fetch cycle through the whole pipeline in this process; waits until every article is classified and alerted, or rejected.")
        {
            sources, subscriptions, dataDir, json, timeout,
        };
        once.SetAction((parse, ct) => Guard(stderr, () => OnceCommand.RunAsync(
            new OnceArguments(parse.GetValue(sources) ?? [], parse.GetValue(subscriptions), parse.GetValue(dataDir), parse.GetValue(json), TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(config)),
            stdout, stderr, ct)));

        var cleanInputs = new Argument<string[]>("inputs") { Description = "Files or http(s) URLs of article pages.", Arity = ArgumentArity.OneOrMore };
        var pageUrl = new Option<string?>("--url") { Description = "The original http(s) URL of the one saved page given, so that its site's cleaning rule applies." };
        var clean = new Command("clean", "The cleaner alone: headline, flags, time, dateline and body of each page.") { cleanInputs, pageUrl, json };
        clean.SetAction((parse, ct) => Guard(stderr, () => StageCommands.CleanAsync(parse.GetValue(cleanInputs)!, parse.GetValue(pageUrl), parse.GetValue(json), parse.GetValue(config), stdout, stderr, ct)));

        var classifyInputs = new Argument<string[]>("inputs") { Description = "Files or http(s) URLs of article pages.", Arity = ArgumentArity.OneOrMore };
        var classify = new Command("classify", "The cleaner and the classifier: topics with their evidence, and entities.") { classifyInputs, pageUrl, json };
        classify.SetAction((parse, ct) => Guard(stderr, () => StageCommands.ClassifyAsync(parse.GetValue(classifyInputs)!, parse.GetValue(pageUrl), parse.GetValue(json), parse.GetValue(config), stdout, stderr, ct)));

        var corpus = new Option<string>("--corpus") { Description = "A folder of labelled articles with its labels.json.", Required = true };
        var split = new Option<string>("--split") { Description = "Which articles to measure: dev, test or all.", DefaultValueFactory = _ => "dev" };
        split.AcceptOnlyFromAmong("dev", "test", "all");
        var eval = new Command("eval", "Measures the classifier on a labelled corpus: precision, recall and F1 per topic, macro-F1, and the confusions.")
        {
            corpus, split, json,
        };
        eval.SetAction((parse, ct) => Guard(stderr, () => StageCommands.EvalAsync(parse.GetValue(corpus)!, parse.GetValue(split)!, parse.GetValue(json), parse.GetValue(config), stdout, ct)));
        var extractionCorpus = new Option<string>("--corpus") { Description = "A folder in the Article Extraction Benchmark's layout: ground-truth.json and html/<key>.html.gz.", Required = true };
        var extractionOut = new Option<string?>("--out") { Description = "A folder to write each page's extracted body to (<key>.txt), to compare by eye." };
        var extraction = new Command("extraction", "Measures the cleaner's body extraction by the Article Extraction Benchmark's metric: precision, recall, F1, the worst pages.")
        {
            extractionCorpus, extractionOut, json,
        };
        extraction.SetAction((parse, ct) => Guard(stderr, () => StageCommands.EvalExtractionAsync(parse.GetValue(extractionCorpus)!, parse.GetValue(extractionOut), parse.GetValue(json), parse.GetValue(config), stdout)));
        eval.Subcommands.Add(extraction);

        var sourcesFile = new Option<string?>("--sources") { Description = "A sources.json to check instead of the configured one." };
        var check = new Command("check", "Lists every enabled source once and prints a table: reachable, status, items, parse errors, time taken. Exit 0 when all are reachable, 1 otherwise.")
        {
            sourcesFile, json,
        };
        check.SetAction((parse, ct) => Guard(stderr, () => SourcesCommand.CheckAsync(parse.GetValue(sourcesFile), parse.GetValue(json), parse.GetValue(config), stdout, stderr, ct)));
        var opmlFile = new Argument<string>("file") { Description = "An OPML file exported from a feed reader (Miniflux, FreshRSS, ...)." };
        var importKind = new Option<string>("--kind") { Description = "The kind of every imported source: feed (default), rss, atom or auto.", DefaultValueFactory = _ => SourceKinds.Feed };
        var importTarget = new Option<string?>("--sources") { Description = "The sources.json to merge into (created when missing). Default: the configured one." };
        var import = new Command("import", "Adds every feed of an OPML file to sources.json (new ids, no duplicates, existing entries kept).")
        {
            opmlFile, importKind, importTarget,
        };
        import.SetAction((parse, ct) => Guard(stderr, () => SourcesCommand.ImportAsync(parse.GetValue(opmlFile)!, parse.GetValue(importKind)!, parse.GetValue(importTarget), parse.GetValue(config), stdout, ct)));
        var exportSources = new Option<string?>("--sources") { Description = "The sources.json to export. Default: the configured one." };
        var exportOutput = new Option<string?>("--output") { Description = "Write the OPML to this file instead of stdout." };
        var export = new Command("export", "Writes the feed sources as OPML 2.0 for a feed reader.") { exportSources, exportOutput };
        export.SetAction((parse, ct) => Guard(stderr, () => SourcesCommand.ExportAsync(parse.GetValue(exportSources), parse.GetValue(exportOutput), parse.GetValue(config), stdout, ct)));
        var sourcesCommand = new Command("sources", "The configured sources: check them, import and export OPML.") { check, import, export };

        var errorQueue = new Argument<string>("queue") { Description = "A consumer queue (wirewatch-cleaner, wirewatch-classifier, wirewatch-alerter) or its _error queue." };
        var limit = new Option<int>("--limit") { Description = "At most this many messages.", DefaultValueFactory = _ => 100 };
        var errorsList = new Command("list", "Shows the messages of <queue>_error and why they failed; moves nothing.") { errorQueue, limit, json };
        errorsList.SetAction((parse, ct) => Guard(stderr, () => ErrorsCommand.ListAsync(parse.GetValue(errorQueue)!, parse.GetValue(limit), parse.GetValue(json), parse.GetValue(config), stdout, ct)));
        var errorsReplay = new Command("replay", "Moves the messages of <queue>_error back into <queue>, each confirmed before it is removed.") { errorQueue, limit };
        errorsReplay.SetAction((parse, ct) => Guard(stderr, () => ErrorsCommand.ReplayAsync(parse.GetValue(errorQueue)!, parse.GetValue(limit), parse.GetValue(config), stdout, ct)));
        var errors = new Command("errors", "The error queues on the configured RabbitMQ broker.") { errorsList, errorsReplay };

        var url = new Option<string?>("--url") { Description = "The readiness URL to probe. Default: /health/ready on the first of the configured Urls." };
        var health = new Command("health", "Probes a running worker's /health/ready: exit 0 when ready, 1 when not (the container's HEALTHCHECK).") { url };
        health.SetAction((parse, ct) => Guard(stderr, () => HealthCommand.RunAsync(parse.GetValue(url), parse.GetValue(config), stdout, stderr, ct)));

        var replayData = new Option<string?>("--data-dir") { Description = "The data directory whose alert ledger holds the dead letters. Default: Wirewatch:DataDir." };
        var replaySubscriptions = new Option<string?>("--subscriptions") { Description = "The subscriptions.json whose channels (URL, secret) to use. Default: the configured one." };
        var replayAlert = new Option<string?>("--alert") { Description = "Replay only this alert id." };
        var enable = new Option<bool>("--enable") { Description = "Enable channels disabled by 410 Gone before replaying (after fixing the endpoint)." };
        var replay = new Command("replay", "Delivers dead-lettered alerts again; exit 0 when every one got through.")
        {
            replayData, replaySubscriptions, replayAlert, enable, json,
        };
        replay.SetAction((parse, ct) => Guard(stderr, () => AlertsCommand.ReplayAsync(
            new ReplayArguments(parse.GetValue(replayData), parse.GetValue(replaySubscriptions), parse.GetValue(replayAlert), parse.GetValue(enable), parse.GetValue(json), parse.GetValue(config)),
            stdout, ct)));
        var alerts = new Command("alerts", "Alert operations.") { replay };

        var subscriptionsFileArgument = new Argument<string>("file") { Description = "A subscriptions.json." };
        var subscriptionsCheck = new Command("check", "Validates a subscriptions file as a running worker does before reloading it: topics, entities, channels, secrets. Exit 0 when valid, 2 otherwise.")
        {
            subscriptionsFileArgument,
        };
        subscriptionsCheck.SetAction((parse, _) => Guard(stderr, () => SubscriptionsCommand.CheckAsync(parse.GetValue(subscriptionsFileArgument)!, parse.GetValue(config), stdout)));
        var since = new Option<string>("--since") { Description = "How far back: 7d, 24h, 30m or an ISO 8601 time.", DefaultValueFactory = _ => "7d" };
        var testData = new Option<string?>("--data-dir") { Description = "The data directory whose console store holds the articles. Default: Wirewatch:DataDir." };
        var subscriptionsTest = new Command("test", "Backtest: the alerts each subscription would have raised over the stored articles, with their evidence, and the near misses just under minScore.")
        {
            subscriptionsFileArgument, since, testData, json,
        };
        subscriptionsTest.SetAction((parse, ct) => Guard(stderr, () => SubscriptionsCommand.TestAsync(
            new BacktestArguments(parse.GetValue(subscriptionsFileArgument)!, parse.GetValue(since)!, parse.GetValue(testData), parse.GetValue(json), parse.GetValue(config)), stdout, ct)));
        var subscriptionsCommand = new Command("subscriptions", "Subscriptions: check a file, backtest it.") { subscriptionsCheck, subscriptionsTest };

        var root = new RootCommand("Wirewatch watches news wires and tells subscribers when something that matters to them is published.")
        {
            config, run, once, clean, classify, eval, sourcesCommand, subscriptionsCommand, alerts, errors, health,
        };
        root.SetAction((parse, ct) => Guard(stderr, () => RunCommand.RunAsync(parse.GetValue(config), ct)));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"wirewatch: {error.Message}");
            }

            await stderr.WriteLineAsync("Run 'wirewatch --help' for usage.");
            return BadInput;
        }

        // The host handles SIGTERM/Ctrl+C itself (graceful drain), so the parser must not kill the process first.
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null }, cancellationToken);
    }

    /// <summary>A positive whole number of seconds, or an error that says so (the parser's own names the CLR type).</summary>
    private static int WholeSeconds(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return seconds;
        }

        result.AddError($"--timeout wants a whole number of seconds greater than 0, such as 120 (was '{text}').");
        return 0;
    }

    /// <summary>Turns configuration and input problems into exit code 2 with one clear message, and the rest into 1.</summary>
    private static async Task<int> Guard(TextWriter stderr, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is WirewatchConfigurationException or InvalidSourceException or InvalidSubscriptionException
                                       or InvalidDataException or CliInputException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await stderr.WriteLineAsync($"wirewatch: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("wirewatch: cancelled.");
            return Failure;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"wirewatch: {e.GetType().Name}: {e.Message}");
            return Failure;
        }
    }
}

/// <summary>A command-line value that cannot work (a missing path, an unreadable file); exit code 2.</summary>
public sealed class CliInputException(string message) : Exception(message);
