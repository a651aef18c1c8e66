using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using Wirewatch.Contracts;

using Wirewatch.Tests.Shared.Load;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.Benchmarks.Pipeline;

/// <summary>
/// The load harness: on one private RabbitMQ node, in one run, each stage alone (its own process, fed at full speed),
/// the whole pipeline (four processes), the bus alone (MassTransit, no-op stages) and the raw floor (RabbitMQ.Client),
/// all on the same article bodies. Prints markdown tables, then the pipeline's CPU ms per article of each role and, last,
/// <c>ratios: bus/raw=X pipeline/slowest-stage=Y pipeline/raw=Z</c>.
/// </summary>
public sealed class PipelineHarness
{
    private static readonly TimeSpan PhaseDeadline = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);

    private readonly PipelineSettings _settings;
    private readonly TextWriter _out;
    private readonly string _workerDll;
    private readonly string _workRoot = Directory.CreateTempSubdirectory("wirewatch-bench-").FullName;
    private PostgresCluster? _postgres;

    public PipelineHarness(PipelineSettings settings, TextWriter output, string workerDll)
    {
        _settings = settings;
        _out = output;
        _workerDll = workerDll;
    }

    public async Task<int> RunAsync()
    {
        var s = _settings;
        await _out.WriteLineAsync($"# Wirewatch pipeline benchmark ({(s.Quick ? "quick" : "full")}): {s.Articles} articles, concurrency {s.Concurrency}, state on {(s.Postgres ? "PostgreSQL" : "SQLite")}, {Environment.ProcessorCount} cores, {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC");
        await using var broker = await Broker.StartAsync();
        try
        {
            if (s.Postgres)
            {
                _postgres = new PostgresCluster();
                await _postgres.InitializeAsync();
            }

            var articles = SyntheticArticles.Create(s.Articles);
            if (s.CleanerCounts is { Count: > 0 } counts)
            {
                return await MeasureCleanerScalingAsync(broker, articles, counts);
            }

            var stages = await MeasureStagesAsync(broker, articles);
            var pipeline = await MeasurePipelineAsync(broker, articles, "pipeline", cleaners: 1);
            var hops = stages.Hops;

            // The baselines run in this process, a second or two each: one warm-up run each, then three runs of each taken
            // in turn (raw, bus, raw, bus, ...) so that a burst of load on the machine meets both, and the median counts.
            async Task<PhaseResult> Raw(string queueType) =>
                await RawBaseline.RunAsync(broker.Factory(await broker.CreateVirtualHostAsync("raw")), hops, queueType, s.Concurrency * 2, s.Concurrency, PhaseDeadline);

            async Task<PhaseResult> BusOnly(string queueType) =>
                await BusOnlyBaseline.RunAsync(broker.AmqpPort, await broker.CreateVirtualHostAsync("bus"), hops, queueType, s.Concurrency, PhaseDeadline);

            async Task<(PhaseResult Raw, PhaseResult Bus)> BaselinesAsync(string queueType)
            {
                await Raw(queueType);
                await BusOnly(queueType);
                var raws = new List<PhaseResult>();
                var buses = new List<PhaseResult>();
                for (var i = 0; i < 3; i++)
                {
                    raws.Add(await Raw(queueType));
                    buses.Add(await BusOnly(queueType));
                }

                static PhaseResult Median(List<PhaseResult> runs) => runs.OrderBy(r => r.ArticlesPerSecond).ElementAt(runs.Count / 2);
                return (Median(raws), Median(buses));
            }

            var (raw, bus) = await BaselinesAsync("classic");
            var results = new List<PhaseResult> { raw, bus };
            if (!s.Quick)
            {
                var (rawQuorum, busQuorum) = await BaselinesAsync("quorum");
                results.Add(rawQuorum);
                results.Add(busQuorum);
            }

            await PrintAsync(stages, pipeline, results);

            var growth = new List<PipelineRun>();
            if (!s.Quick)
            {
                foreach (var factor in new[] { 4, 16 })
                {
                    growth.Add(await MeasurePipelineAsync(broker, SyntheticArticles.Create(Math.Max(50, s.Articles / factor), factor, seed: factor), $"pipeline {factor}x size", 1));
                }

                foreach (var cleaners in new[] { 2, 4 })
                {
                    growth.Add(await MeasurePipelineAsync(broker, articles, $"pipeline, {cleaners} cleaners", cleaners));
                }

                await PrintGrowthAsync(pipeline, growth);
            }

            var slowest = stages.Results.Where(r => r.Finished).MinBy(r => r.ArticlesPerSecond);
            var busRatio = bus.ArticlesPerSecond / raw.ArticlesPerSecond;
            var pipelineRatio = slowest is null ? 0 : pipeline.Result.ArticlesPerSecond / slowest.ArticlesPerSecond;
            var rawRatio = pipeline.Result.ArticlesPerSecond / raw.ArticlesPerSecond;
            var allFinished = stages.Results.All(r => r.Finished) && pipeline.Result.Finished && results.All(r => r.Finished) && growth.All(g => g.Result.Finished);
            await _out.WriteLineAsync();
            // CPU per article is what survives a shared machine's noise best; the ratios line stays last.
            await _out.WriteLineAsync("pipeline cpu ms/article: " + string.Join(' ', pipeline.Roles.Select(r => FormattableString.Invariant($"{r.Label}={r.CpuSecondsPerArticle * 1000:0.00}"))));
            await _out.WriteLineAsync(FormattableString.Invariant($"ratios: bus/raw={busRatio:0.00} pipeline/slowest-stage={pipelineRatio:0.00} pipeline/raw={rawRatio:0.000}"));
            return allFinished ? 0 : 1;
        }
        finally
        {
            if (_postgres is not null)
            {
                await _postgres.DisposeAsync();
            }

            TryDelete(_workRoot);
        }
    }

    /// <summary>
    /// The pipeline with 1, 2, 4... cleaners and nothing else: each role's CPU per article in each run, to show that a
    /// replica adds no per-article cost (on PostgreSQL the cleaners share one story store, so they also raise the same
    /// alerts). On 2 cores the throughput cannot grow with replicas; the CPU per article is the figure to read.
    /// </summary>
    private async Task<int> MeasureCleanerScalingAsync(Broker broker, IReadOnlyList<SyntheticArticles.Article> articles, IReadOnlyList<int> counts)
    {
        var runs = new List<PipelineRun>();
        foreach (var cleaners in counts)
        {
            runs.Add(await MeasurePipelineAsync(broker, articles, $"pipeline, {cleaners} cleaner{(cleaners == 1 ? "" : "s")}", cleaners));
        }

        var roles = new[] { "fetcher", "cleaner", "classifier", "alerter" };
        var text = new StringBuilder();
        text.AppendLine().AppendLine("## Cleaner replicas").AppendLine();
        text.AppendLine("CPU ms per alerted article, each role's processes summed (the cleaners' CPU over all replicas): from the consumers' start, " +
            "then (after the slash) once warm, from the 10% mark of the alerts on.").AppendLine();
        text.AppendLine("| run | alerted | articles/s | " + string.Join(" | ", roles.Select(r => r + " CPU ms")) + " | total CPU ms | p50 ms | p95 ms |");
        text.AppendLine("|---|---:|---:|" + string.Concat(Enumerable.Repeat("---:|", roles.Length + 3)));
        foreach (var run in runs)
        {
            var r = run.Result;
            var ofRole = roles.Select(role => run.Roles.Where(x => x.Role == role).ToArray()).ToArray();
            var all = ofRole.Select(x => x.Sum(f => f.CpuSecondsPerArticle) * 1000).ToArray();
            var warm = ofRole.Select(x => x.Sum(f => f.SteadyCpuSecondsPerArticle ?? double.NaN) * 1000).ToArray();
            static string Pair(double a, double w) => double.IsNaN(w) ? Broker.Format(a) : $"{Broker.Format(a)} / {Broker.Format(w)}";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name}{(r.Finished ? "" : " (INCOMPLETE)")} | {r.Completed}/{r.Sent} | {Broker.Format(r.ArticlesPerSecond)} | {string.Join(" | ", all.Zip(warm, Pair))} | {Pair(all.Sum(), warm.Sum())} | {run.P50:0} | {run.P95:0} |");
        }

        await _out.WriteAsync(text.ToString());
        return runs.All(r => r.Result.Finished) ? 0 : 1;
    }

    /// <summary>The state settings of a phase's processes: none (each its SQLite file in its data folder), or a fresh PostgreSQL database they share.</summary>
    private async Task<IReadOnlyDictionary<string, string>?> StateAsync(string phase) => _postgres is null ? null : new Dictionary<string, string>
    {
        ["Wirewatch__State__Provider"] = "Postgres",
        ["Wirewatch__State__ConnectionString"] = await _postgres.CreateDatabaseAsync(new string([.. phase.Where(char.IsAsciiLetterOrDigit)])),
    };

    /// <summary>Each stage in its own process, alone on its own virtual host; its output feeds the next stage's run.</summary>
    private async Task<StageRuns> MeasureStagesAsync(Broker broker, IReadOnlyList<SyntheticArticles.Article> articles)
    {
        var results = new List<PhaseResult>();
        var count = articles.Count;

        // Fetcher: a directory source with every article in it, read on the first cycle.
        var state = await StateAsync("fetcher");
        var (fetchedResult, fetched) = await MeasureStageAsync(broker, "fetcher", WireNames.ArticlesFetchedExchange, ExchangeType.Fanout, count,
            startRole: (vhost, folder) => StartFetcher(broker, vhost, folder, articles, state),
            feed: null);
        results.Add(fetchedResult);

        state = await StateAsync("cleaner");
        var (cleanedResult, cleaned) = await MeasureStageAsync(broker, "cleaner", WireNames.ArticlesCleanedExchange, ExchangeType.Fanout, count,
            startRole: (vhost, folder) => WorkerProcess.Start(_workerDll, "cleaner", broker.AmqpPort, vhost, folder, null, _settings.Concurrency, state),
            feed: (connection) => Broker.PublishAllAsync(connection, WireNames.ArticlesFetchedExchange, fetched), readyQueue: WireNames.CleanerQueue);
        results.Add(cleanedResult);

        state = await StateAsync("classifier");
        var (classifiedResult, classified) = await MeasureStageAsync(broker, "classifier", WireNames.ArticlesClassifiedExchange, ExchangeType.Fanout, count,
            startRole: (vhost, folder) => WorkerProcess.Start(_workerDll, "classifier", broker.AmqpPort, vhost, folder, null, _settings.Concurrency, state),
            feed: (connection) => Broker.PublishAllAsync(connection, WireNames.ArticlesCleanedExchange, cleaned), readyQueue: WireNames.ClassifierQueue);
        results.Add(classifiedResult);

        state = await StateAsync("alerter");
        var (alertResult, alerts) = await MeasureStageAsync(broker, "alerter", WireNames.AlertsExchange, ExchangeType.Topic, count,
            startRole: (vhost, folder) => WorkerProcess.Start(_workerDll, "alerter", broker.AmqpPort, vhost, folder, null, _settings.Concurrency, state),
            feed: (connection) => Broker.PublishAllAsync(connection, WireNames.ArticlesClassifiedExchange, classified), readyQueue: WireNames.AlerterQueue);
        results.Add(alertResult);

        // One body per article per hop, in the fetched order, for the articles present at every hop (one that raised no
        // alert has no fourth hop): the baselines carry exactly these, and hop i of article k is always article k's.
        static Dictionary<string, byte[]> ById(IReadOnlyList<byte[]> bodies)
        {
            var byId = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var body in bodies)
            {
                byId.TryAdd(ArticleId(body), body);
            }

            return byId;
        }

        var stagesById = new[] { ById(fetched), ById(cleaned), ById(classified), ById(alerts) };
        var order = fetched.Select(ArticleId).Distinct(StringComparer.Ordinal).Where(id => stagesById.All(s => s.ContainsKey(id))).ToArray();
        var hops = stagesById.Select(s => (IReadOnlyList<byte[]>)[.. order.Select(id => s[id])]).ToArray();
        return new StageRuns(results, hops);
    }

    private async Task<(PhaseResult Result, IReadOnlyList<byte[]> Output)> MeasureStageAsync(
        Broker broker, string role, string outputExchange, string exchangeType, int count,
        Func<string, string, WorkerProcess> startRole, Func<IConnection, Task>? feed, string? readyQueue = null)
    {
        var vhost = await broker.CreateVirtualHostAsync(role);
        await using var connection = await broker.Factory(vhost).CreateConnectionAsync("wirewatch-bench-" + role);
        await using var recorder = await AmqpRecorder.StartAsync(connection, outputExchange, exchangeType, keepBodies: true);
        var folder = Path.Combine(_workRoot, role + "-alone");
        WorkerProcess? process = null;
        var cpuAtReady = TimeSpan.Zero;
        try
        {
            process = startRole(vhost, folder);
            if (feed is not null)
            {
                // A consumer role's start-up CPU is not its per-article cost; the fetcher's is (it starts with the cycle).
                await Broker.WaitForConsumersAsync(connection, readyQueue!, 1, ReadyDeadline, process.ErrorTail);
                cpuAtReady = process.CpuTime;
                await feed(connection);
            }

            // Not every article alerts (one under every threshold, or folded into an earlier story, rightly does not):
            // the alerter is done when its queue is empty and no alert has arrived for a second.
            var finished = role == "alerter"
                ? await WaitUntilQuietAsync(connection, WireNames.AlerterQueue, recorder, count)
                : await recorder.WaitForArticlesAsync(count, PhaseDeadline);
            var (steady, elapsed) = SteadyWindow(recorder.FirstSeen.Values);
            var bytes = recorder.Bodies.Sum(b => (long)b.Length) * steady / Math.Max(1, recorder.Articles);
            var cpu = process.CpuTime - cpuAtReady;
            var result = new PhaseResult($"{role} alone", count, recorder.Articles, elapsed, bytes, finished)
            {
                SteadyArticles = steady,
                CpuSecondsPerArticle = cpu.TotalSeconds / Math.Max(1, recorder.Articles),
                PeakRssMegabytes = process.PeakRssMegabytes,
            };
            if (!finished)
            {
                await _out.WriteLineAsync($"warning: {role} alone produced {recorder.Articles} of {count} articles. Last errors:{Environment.NewLine}{process.ErrorTail()}");
            }

            return (result, recorder.Bodies);
        }
        finally
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>The four roles as four processes on one virtual host, fed by the fetcher's directory source.</summary>
    private async Task<PipelineRun> MeasurePipelineAsync(Broker broker, IReadOnlyList<SyntheticArticles.Article> articles, string name, int cleaners)
    {
        var vhost = await broker.CreateVirtualHostAsync("pipe");
        var folder = Path.Combine(_workRoot, "pipeline-" + Guid.NewGuid().ToString("N")[..8]);
        await using var connection = await broker.Factory(vhost).CreateConnectionAsync("wirewatch-bench-pipeline");
        await using var fetched = await AmqpRecorder.StartAsync(connection, WireNames.ArticlesFetchedExchange, ExchangeType.Fanout, keepBodies: false);
        await using var alerts = await AmqpRecorder.StartAsync(connection, WireNames.AlertsExchange, ExchangeType.Topic, keepBodies: false);
        var processes = new List<WorkerProcess>();
        var state = await StateAsync(name);
        var depths = new Dictionary<string, long>(StringComparer.Ordinal);
        using var stopSampling = new CancellationTokenSource();
        Task? sampling = null;
        try
        {
            for (var i = 0; i < cleaners; i++)
            {
                processes.Add(WorkerProcess.Start(_workerDll, "cleaner", broker.AmqpPort, vhost, Path.Combine(folder, $"cleaner-{i}"), null, _settings.Concurrency, state));
            }

            processes.Add(WorkerProcess.Start(_workerDll, "classifier", broker.AmqpPort, vhost, Path.Combine(folder, "classifier"), null, _settings.Concurrency, state));
            processes.Add(WorkerProcess.Start(_workerDll, "alerter", broker.AmqpPort, vhost, Path.Combine(folder, "alerter"), null, _settings.Concurrency, state));
            string Errors() => string.Join(Environment.NewLine, processes.Select(p => $"[{p.Role}] {p.ErrorTail()}"));
            await Broker.WaitForConsumersAsync(connection, WireNames.CleanerQueue, cleaners, ReadyDeadline, Errors);
            await Broker.WaitForConsumersAsync(connection, WireNames.ClassifierQueue, 1, ReadyDeadline, Errors);
            await Broker.WaitForConsumersAsync(connection, WireNames.AlerterQueue, 1, ReadyDeadline, Errors);

            var cpuAtReady = processes.ToDictionary(p => p, p => p.CpuTime);
            sampling = SampleDepthsAsync(connection, depths, stopSampling.Token);
            processes.Add(StartFetcher(broker, vhost, Path.Combine(folder, "fetcher"), articles, state));
            var steadyFrom = TakeSteadyMarkAsync(alerts, articles.Count / 10, processes.ToArray(), stopSampling.Token);
            var finished = await WaitUntilQuietAsync(connection, WireNames.AlerterQueue, alerts, articles.Count);
            if (!finished)
            {
                await _out.WriteLineAsync($"warning: {name}: {alerts.Articles} of {articles.Count} articles alerted. Last errors:{Environment.NewLine}{Errors()}");
            }

            var (steady, elapsed) = SteadyWindow(alerts.FirstSeen.Values);
            var latencies = alerts.FirstSeen
                .Where(a => fetched.FirstSeen.ContainsKey(a.Key))
                .Select(a => Stopwatch.GetElapsedTime(fetched.FirstSeen[a.Key], a.Value).TotalMilliseconds)
                .Order().ToArray();
            var bytes = articles.Sum(a => (long)Encoding.UTF8.GetByteCount(a.Text)) * steady / Math.Max(1, articles.Count);
            var result = new PhaseResult(name, articles.Count, alerts.Articles, elapsed, bytes, finished) { SteadyArticles = steady };
            var mark = steadyFrom.IsCompletedSuccessfully ? await steadyFrom : null;
            var steadyArticles = mark is null ? 0 : alerts.Articles - mark.Alerted;
            var roles = processes.GroupBy(p => p.Role).Select(g => new RoleFigures(
                g.Key, g.Count(),
                g.Sum(p => (p.CpuTime - cpuAtReady.GetValueOrDefault(p)).TotalSeconds) / Math.Max(1, alerts.Articles),
                g.Max(p => p.PeakRssMegabytes))
            {
                SteadyCpuSecondsPerArticle = mark is null || steadyArticles <= 0 ? null
                    : g.Sum(p => (p.CpuTime - mark.Cpu.GetValueOrDefault(p)).TotalSeconds) / steadyArticles,
            }).ToArray();
            return new PipelineRun(result, roles, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), new Dictionary<string, long>(depths));
        }
        finally
        {
            await stopSampling.CancelAsync();
            if (sampling is not null)
            {
                await sampling;
            }

            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    private sealed record SteadyMark(int Alerted, IReadOnlyDictionary<WorkerProcess, TimeSpan> Cpu);

    /// <summary>
    /// Each process's CPU time once <paramref name="after"/> articles have alerted: what the roles spend from there on
    /// is their per-article cost once warm (the first articles pay each process's JIT and connection set-up, a cost per
    /// process and not per article, which would otherwise grow with the replicas).
    /// </summary>
    private static async Task<SteadyMark> TakeSteadyMarkAsync(AmqpRecorder alerts, int after, IReadOnlyList<WorkerProcess> processes, CancellationToken stop)
    {
        while (alerts.Articles < after)
        {
            await Task.Delay(20, stop);
        }

        var alerted = alerts.Articles;
        return new SteadyMark(alerted, processes.ToDictionary(p => p, p => p.CpuTime));
    }

    private WorkerProcess StartFetcher(Broker broker, string vhost, string folder, IReadOnlyList<SyntheticArticles.Article> articles, IReadOnlyDictionary<string, string>? state)
    {
        var inbox = Path.Combine(folder, "inbox");
        Directory.CreateDirectory(inbox);
        foreach (var article in articles)
        {
            File.WriteAllText(Path.Combine(inbox, article.FileName), article.Text);
        }

        var sources = Path.Combine(folder, "sources.json");
        File.WriteAllText(sources, JsonSerializer.Serialize(new
        {
            sources = new[] { new { id = "bench-inbox", kind = "directory", path = inbox, interval = "00:10:00", enabled = true } },
        }));
        return WorkerProcess.Start(_workerDll, "fetcher", broker.AmqpPort, vhost, folder, sources, _settings.Concurrency, state);
    }

    /// <summary>
    /// True once at least 90% of the articles alerted, the queue is empty and no alert arrived for a second (all that
    /// was going to alert has); false at the phase deadline.
    /// </summary>
    private static async Task<bool> WaitUntilQuietAsync(IConnection connection, string queue, AmqpRecorder alerts, int articles)
    {
        var clock = Stopwatch.StartNew();
        var lastCount = -1;
        var quietSince = Stopwatch.StartNew();
        while (clock.Elapsed < PhaseDeadline)
        {
            var count = alerts.Messages;
            if (count != lastCount)
            {
                lastCount = count;
                quietSince.Restart();
            }
            else if (alerts.Articles >= articles * 9 / 10 && quietSince.Elapsed > TimeSpan.FromSeconds(1) && await Broker.DepthAsync(connection, queue) == 0)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    private static async Task SampleDepthsAsync(IConnection connection, Dictionary<string, long> depths, CancellationToken stop)
    {
        string[] queues = [WireNames.CleanerQueue, WireNames.ClassifierQueue, WireNames.AlerterQueue];
        while (!stop.IsCancellationRequested)
        {
            foreach (var queue in queues)
            {
                var depth = await Broker.DepthAsync(connection, queue);
                lock (depths)
                {
                    depths[queue] = Math.Max(depths.GetValueOrDefault(queue), depth);
                }
            }

            try
            {
                await Task.Delay(250, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PrintAsync(StageRuns stages, PipelineRun pipeline, IReadOnlyList<PhaseResult> baselines)
    {
        var text = new StringBuilder();
        text.AppendLine().AppendLine("## Phases").AppendLine();
        text.AppendLine("Process phases count the arrivals after the first 10% (warm-up); in-process baselines report the median of three runs after a warm-up run.").AppendLine();
        text.AppendLine("| phase | articles | seconds measured | articles/s | MB/s | CPU ms/article | peak RSS MB |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in stages.Results.Append(pipeline.Result).Concat(baselines))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name}{(r.Finished ? "" : " (INCOMPLETE)")} | {r.Completed}/{r.Sent} | {r.Elapsed.TotalSeconds:0.00} | {Broker.Format(r.ArticlesPerSecond)} | {Broker.Format(r.MegabytesPerSecond)} | {(r.CpuSecondsPerArticle is { } c ? Broker.Format(c * 1000) : "")} | {(r.PeakRssMegabytes is { } m ? Broker.Format(m) : "")} |");
        }

        AppendPipeline(text, pipeline);
        await _out.WriteAsync(text.ToString());
    }

    private static void AppendPipeline(StringBuilder text, PipelineRun pipeline)
    {
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## {pipeline.Result.Name}: per role").AppendLine();
        text.AppendLine("| role | CPU ms/article | peak RSS MB |").AppendLine("|---|---:|---:|");
        foreach (var role in pipeline.Roles)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {role.Label} | {Broker.Format(role.CpuSecondsPerArticle * 1000)} | {Broker.Format(role.PeakRssMegabytes)} |");
        }

        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"fetch-to-alert latency ms: p50 {pipeline.P50:0} p95 {pipeline.P95:0} p99 {pipeline.P99:0}");
        text.AppendLine("deepest queues seen: " + string.Join(", ", pipeline.MaxDepths.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key} {d.Value}")));
    }

    private async Task PrintGrowthAsync(PipelineRun baseline, IReadOnlyList<PipelineRun> runs)
    {
        var text = new StringBuilder();
        text.AppendLine().AppendLine("## Growth").AppendLine();
        text.AppendLine("| run | articles | articles/s | MB/s | p50 ms | p95 ms | p99 ms | peak RSS MB (max role) |").AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in runs.Prepend(baseline))
        {
            var r = run.Result;
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name}{(r.Finished ? "" : " (INCOMPLETE)")} | {r.Completed}/{r.Sent} | {Broker.Format(r.ArticlesPerSecond)} | {Broker.Format(r.MegabytesPerSecond)} | {run.P50:0} | {run.P95:0} | {run.P99:0} | {Broker.Format(run.Roles.Max(x => x.PeakRssMegabytes))} |");
        }

        await _out.WriteAsync(text.ToString());
    }

    /// <summary>
    /// Throughput after warm-up: the arrivals past the first 10% (JIT, connection set-up and first-message costs are
    /// start-up, not throughput), as (articles, elapsed) between the 10% mark and the last arrival.
    /// </summary>
    private static (int Articles, TimeSpan Elapsed) SteadyWindow(IEnumerable<long> arrivals)
    {
        var sorted = arrivals.Order().ToArray();
        if (sorted.Length < 2)
        {
            return (sorted.Length, TimeSpan.Zero);
        }

        var from = sorted.Length / 10;
        return (sorted.Length - 1 - from, Stopwatch.GetElapsedTime(sorted[from], sorted[^1]));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string ArticleId(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("articleId").GetString()!;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary folder; the system cleans it eventually.
        }
    }

    private sealed record StageRuns(IReadOnlyList<PhaseResult> Results, IReadOnlyList<byte[]>[] Hops);

    /// <param name="Replicas">How many processes of the role ran; the figures are their sum (CPU) or their maximum (RSS).</param>
    private sealed record RoleFigures(string Role, int Replicas, double CpuSecondsPerArticle, double PeakRssMegabytes)
    {
        public string Label => Replicas > 1 ? $"{Role} x{Replicas}" : Role;

        /// <summary>From the 10% mark of the alerts on (warm processes), when the run got that far.</summary>
        public double? SteadyCpuSecondsPerArticle { get; init; }
    }

    private sealed record PipelineRun(PhaseResult Result, IReadOnlyList<RoleFigures> Roles, double P50, double P95, double P99, IReadOnlyDictionary<string, long> MaxDepths);
}

/// <param name="Postgres">Every role keeps its state in a private PostgreSQL (a fresh database per phase) instead of its SQLite file.</param>
/// <param name="CleanerCounts">When set, only the pipeline runs, once per count of cleaner replicas (<c>--cleaners 1,2,4</c>).</param>
public sealed record PipelineSettings(int Articles, bool Quick, int Concurrency, bool Postgres = false, IReadOnlyList<int>? CleanerCounts = null);
