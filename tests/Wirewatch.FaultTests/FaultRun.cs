using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RabbitMQ.Client;
using Wirewatch.Contracts;
using Wirewatch.IntegrationTests;
using Wirewatch.Tests.Shared.Load;

namespace Wirewatch.FaultTests;

/// <summary>
/// One case of the fault suite: the four roles as four <c>wirewatch run</c> processes on their own virtual host, a
/// directory source holding N synthetic articles (each about one topic), and a ledger: durable queues bound to
/// <c>wirewatch.articles.classified</c>, <c>wirewatch.articles.rejected</c> and <c>wirewatch.alerts</c> that survive
/// the faults. At the end each article counts as processed (classified or visibly rejected) or lost, and each alert id
/// as delivered once or duplicated. (Whether an article alerts is the subscriptions' business: most do, but one that
/// scores under a threshold or joins an earlier story rightly does not.)
/// </summary>
internal sealed class FaultRun : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(120);
    private static readonly string[] ConsumerRoles = ["cleaner", "classifier", "alerter"];

    private readonly Func<RabbitMqNode> _control;
    private readonly IReadOnlyList<int> _amqpPorts;
    private readonly bool _cluster;
    private readonly FaultRunOptions _options;
    private readonly string _folder;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<WorkerProcess> _processes = [];
    private IConnection? _connection;
    private AmqpRecorder? _ledger;
    private AmqpRecorder? _classified;
    private AmqpRecorder? _rejected;
    private AmqpRecorder? _fetched;
    private AmqpRecorder? _cleaned;

    private FaultRun(Func<RabbitMqNode> control, IReadOnlyList<int> amqpPorts, bool cluster, string name, string vhost, int articles, FaultRunOptions options)
    {
        _control = control;
        _amqpPorts = amqpPorts;
        _cluster = cluster;
        _options = options;
        Name = name;
        VirtualHost = vhost;
        Articles = [.. SyntheticArticles.Create(articles, seed: name.Length * 7919 + articles), .. options.ExtraArticles];
        _folder = Directory.CreateTempSubdirectory($"wirewatch-fault-{name}-").FullName;
    }

    public string Name { get; }
    public string VirtualHost { get; }
    public IReadOnlyList<SyntheticArticles.Article> Articles { get; }
    public IReadOnlyList<WorkerProcess> Processes => _processes;

    /// <summary>Alerted articles so far.</summary>
    public int Alerted => _ledger?.Articles ?? 0;

    /// <summary>Articles through the pipeline so far: classified, or rejected with a reason.</summary>
    public int Processed => (_classified?.Articles ?? 0) + (_rejected?.Articles ?? 0);

    public IConnection Connection => _connection!;

    /// <summary>ArticleFetched messages published so far (every copy, from every fetcher).</summary>
    public int Fetched => _fetched?.Messages ?? 0;

    /// <summary>The alert ids the ledger saw, with how many distinct messages carried each.</summary>
    public IReadOnlyDictionary<string, int> AlertCopies => _ledger!.Copies;

    public static async Task<FaultRun> StartAsync(RabbitMqNode node, string name, int articles, FaultRunOptions? options = null) =>
        await StartAsync(new FaultRun(() => node, [node.AmqpPort], cluster: false, name, await node.CreateVirtualHostAsync(name), articles, options ?? new FaultRunOptions()));

    /// <summary>
    /// A run on a cluster: every process is given every node (<c>Wirewatch:RabbitMq:Hosts</c>), the ledger's queues are
    /// quorum queues and its connection moves to another node when its own goes.
    /// </summary>
    public static async Task<FaultRun> StartAsync(RabbitMqCluster cluster, string name, int articles, FaultRunOptions? options = null) =>
        await StartAsync(new FaultRun(() => cluster.RunningNode(), [.. cluster.Nodes.Select(n => n.AmqpPort)], cluster: true, name,
            await cluster.CreateVirtualHostAsync(name), articles, options ?? new FaultRunOptions()));

    private static async Task<FaultRun> StartAsync(FaultRun run)
    {
        try
        {
            await run.StartProcessesAsync();
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessesAsync()
    {
        var factory = new ConnectionFactory
        {
            VirtualHost = VirtualHost, UserName = "guest", Password = "guest",
            AutomaticRecoveryEnabled = true, TopologyRecoveryEnabled = true, NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
        };
        _connection = await factory.CreateConnectionAsync(_amqpPorts.Select(port => new AmqpTcpEndpoint("127.0.0.1", port)).ToList(), "wirewatch-fault-ledger");
        _ledger = _options.LedgerOnUnroutedAlerts
            ? await AmqpRecorder.StartAsync(_connection, WireNames.AlertsUnroutedExchange, ExchangeType.Fanout, keepBodies: false, durableQueue: "fault-ledger", copyKey: "alertId", quorum: _cluster)
            : await AmqpRecorder.StartAsync(_connection, WireNames.AlertsExchange, ExchangeType.Topic, keepBodies: false, durableQueue: "fault-ledger", copyKey: "alertId", quorum: _cluster);
        _fetched = await AmqpRecorder.StartAsync(_connection, WireNames.ArticlesFetchedExchange, ExchangeType.Fanout, keepBodies: _options.KeepFetchedBodies, durableQueue: "fault-fetched", quorum: _cluster);
        if (_options.KeepCleanedBodies)
        {
            _cleaned = await AmqpRecorder.StartAsync(_connection, WireNames.ArticlesCleanedExchange, ExchangeType.Fanout, keepBodies: true, durableQueue: "fault-cleaned", quorum: _cluster);
        }

        _classified = await AmqpRecorder.StartAsync(_connection, WireNames.ArticlesClassifiedExchange, ExchangeType.Fanout, keepBodies: false, durableQueue: "fault-classified", quorum: _cluster);
        _rejected = await AmqpRecorder.StartAsync(_connection, WireNames.ArticlesRejectedExchange, ExchangeType.Fanout, keepBodies: false, durableQueue: "fault-rejected", quorum: _cluster);

        if (_options.Webhook is { } webhook)
        {
            // The default subscriptions, each with a webhook to the test's receiver besides the bus.
            var subscriptions = Path.Combine(_folder, "subscriptions.json");
            await File.WriteAllTextAsync(subscriptions, JsonSerializer.Serialize(new
            {
                subscriptions = new[] { "sanctions", "human_rights", "defense" }.Select(topic => new
                {
                    id = topic + "-desk",
                    topics = new[] { topic },
                    minScore = 0.5,
                    channels = new object[] { new { type = "bus" }, new { type = "webhook", url = webhook.Url.AbsoluteUri, secretEnv = WebhookSecretVariable } },
                }),
            }));
            _alerterSettings["Wirewatch__SubscriptionsFile"] = subscriptions;
            _alerterSettings[WebhookSecretVariable] = "whsec_" + Convert.ToBase64String(webhook.Key);
        }

        foreach (var (key, value) in _options.AlerterSettings)
        {
            _alerterSettings[key] = value;
        }

        foreach (var (role, replicas) in ConsumerRoles.Zip(new[] { _options.Cleaners, _options.Classifiers, _options.Alerters }))
        {
            for (var i = 1; i <= replicas; i++)
            {
                _processes.Add(StartRole(role, i == 1 ? role : $"{role}-{i}"));
            }
        }

        // Every replica consumes before the flow starts: a replica still starting would leave its share to the others,
        // and a fault aimed at "one of N" would find fewer.
        foreach (var (queue, replicas) in new[] { (WireNames.CleanerQueue, _options.Cleaners), (WireNames.ClassifierQueue, _options.Classifiers), (WireNames.AlerterQueue, _options.Alerters) })
        {
            await WaitForConsumersAsync(queue, replicas);
        }

        if (_options.BeforeFlow is { } beforeFlow)
        {
            await beforeFlow(this);
        }

        var inbox = Directory.CreateDirectory(_options.InboxFolder ?? Path.Combine(_folder, "inbox")).FullName;
        _inbox = inbox;
        foreach (var article in Articles.Take(Articles.Count - _options.WithheldArticles))
        {
            await File.WriteAllTextAsync(Path.Combine(inbox, article.FileName), article.Text);
        }

        // A short interval: a cycle that failed because the broker was away is simply run again a moment later.
        var sources = Path.Combine(_folder, "sources.json");
        await File.WriteAllTextAsync(sources, JsonSerializer.Serialize(new
        {
            sources = new[] { new { id = "fault-inbox", kind = "directory", path = inbox, interval = _options.SourceInterval.ToString("c", CultureInfo.InvariantCulture), enabled = true } },
        }));
        _sourcesFile = sources;
        for (var i = 1; i <= _options.Fetchers; i++)
        {
            _processes.Add(StartRole("fetcher", i == 1 ? "fetcher" : $"fetcher-{i}"));
        }
    }

    private const string WebhookSecretVariable = "WIREWATCH_FAULT_WEBHOOK_SECRET";
    private readonly Dictionary<string, string> _alerterSettings = new(StringComparer.Ordinal);
    private string? _sourcesFile;

    private readonly Dictionary<WorkerProcess, string> _dataFolders = [];

    /// <summary>Processes started again because they stopped themselves asking for it (exit code 75), as an orchestrator would.</summary>
    public int Restarted { get; private set; }

    /// <summary>
    /// What an orchestrator does for a worker that stopped itself for a restart (<c>RefusedPublishWatchdog</c>, exit
    /// code 75): starts a new one on the same volume. A process the case killed (137) or stopped (143) is the case's own.
    /// </summary>
    private void RestartThoseAskingForIt()
    {
        foreach (var process in _processes.Where(p => p.ExitCode == 75 && _dataFolders.ContainsKey(p)).ToList())
        {
            var folder = _dataFolders[process];
            _dataFolders.Remove(process);
            _processes.Add(StartRole(process.Role, folder));
            Restarted++;
        }
    }

    private WorkerProcess StartRole(string role, string dataFolder)
    {
        var process = StartRoleProcess(role, dataFolder);
        _dataFolders[process] = dataFolder;
        return process;
    }

    private WorkerProcess StartRoleProcess(string role, string dataFolder)
    {
        var settings = new Dictionary<string, string>(role == "alerter" ? _alerterSettings : role == "fetcher" ? _options.FetcherSettings : [], StringComparer.Ordinal);
        foreach (var (key, value) in _options.RoleSettings)
        {
            settings[key] = value;
        }

        if (_cluster)
        {
            settings["Wirewatch__RabbitMq__Hosts"] = string.Join(',', _amqpPorts.Select(port => "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)));
        }

        return WorkerProcess.Start(WorkerProcess.LocateWorker(), role, _amqpPorts[0], VirtualHost, Path.Combine(_folder, dataFolder),
            role == "fetcher" ? _sourcesFile : null, 8, settings);
    }

    private string? _inbox;
    private int _released;

    /// <summary>Writes the next of the <see cref="FaultRunOptions.WithheldArticles"/> into the inbox; its file name, or null when none is left.</summary>
    public async Task<string?> ReleaseNextAsync()
    {
        var index = Articles.Count - _options.WithheldArticles + _released;
        if (index >= Articles.Count)
        {
            return null;
        }

        _released++;
        var article = Articles[index];
        await File.WriteAllTextAsync(Path.Combine(_inbox!, article.FileName), article.Text);
        return article.FileName;
    }

    /// <summary>The URL and story id of every ArticleCleaned so far (with <see cref="FaultRunOptions.KeepCleanedBodies"/>).</summary>
    public IReadOnlyList<(string Url, string? StoryId)> CleanedStories =>
    [
        .. (_cleaned?.Bodies ?? []).Select(body =>
        {
            using var json = JsonDocument.Parse(body);
            return (json.RootElement.GetProperty("url").GetString()!, json.RootElement.GetProperty("storyId").GetString());
        }),
    ];

    /// <summary>The ArticleFetched bodies so far (with <see cref="FaultRunOptions.KeepFetchedBodies"/>).</summary>
    public IReadOnlyList<byte[]> FetchedBodies => _fetched?.Bodies ?? [];

    /// <summary>When each article id was first published (<see cref="System.Diagnostics.Stopwatch"/> timestamps).</summary>
    public IReadOnlyDictionary<string, long> FetchedFirstSeen => _fetched?.FirstSeen ?? new Dictionary<string, long>();

    public WorkerProcess Role(string role) => _processes.First(p => p.Role == role && !p.HasExited);

    /// <summary>
    /// A new process for a role whose process was stopped or killed: what an orchestrator does next. With
    /// <paramref name="sameVolume"/>, it keeps the data folder of the first one (a pod's persistent volume: the alerter's ledger).
    /// </summary>
    public Task StartReplacementAsync(string role, bool sameVolume = false)
    {
        _processes.Add(StartRole(role, sameVolume ? role : role + "-" + _processes.Count));
        return Task.CompletedTask;
    }

    /// <summary>Waits (with a deadline) until at least this many articles went through the pipeline.</summary>
    public async Task WaitForProcessedAsync(int articles, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (Processed < articles)
        {
            RestartThoseAskingForIt();
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{Name}: {Processed} of {articles} articles processed after {deadline.TotalSeconds:0} s " +
                    $"(fetched={Fetched}, alerted={Alerted}).{Environment.NewLine}{await QueueTableAsync()}{Environment.NewLine}{Diagnostics()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until every article is alerted (or the deadline passes) and the three queues are empty, so duplicates that
    /// were still in flight are counted, then tallies the ledger.
    /// </summary>
    public async Task<Ledger> FinishAsync(TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (Processed < Articles.Count && clock.Elapsed < deadline)
        {
            RestartThoseAskingForIt();
            await Task.Delay(100);
        }

        // Drained means empty on every look for longer than a quorum queue's metrics tick (5 s): its message count is
        // refreshed on that tick, so one look right after a burst can read 0 while the messages wait for a restarted
        // alerter (a run ended at alerted=8 of 150 that way).
        var drained = Stopwatch.StartNew();
        var emptySince = (TimeSpan?)null;
        while (drained.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (!await QueuesDrainedAsync())
            {
                emptySince = null;
            }
            else if ((emptySince ??= drained.Elapsed) <= drained.Elapsed - TimeSpan.FromSeconds(7))
            {
                break;
            }

            await Task.Delay(250);
        }

        // Every alert the alerter raised (its ledger's story_alerts) must have reached the bus. A short grace for one
        // still being published; an alert that never arrives is lost even though its article was processed.
        var raised = RaisedAlertIds();
        var delivered = Stopwatch.StartNew();
        while (delivered.Elapsed < TimeSpan.FromSeconds(60) && raised.Except(_ledger!.Copies.Keys).Any())
        {
            await Task.Delay(250);
            raised = RaisedAlertIds();
        }

        var copies = _ledger!.Copies;
        var missing = raised.Count(id => !copies.ContainsKey(id));
        return new Ledger(Name, Articles.Count, Processed, _ledger.Articles, Articles.Count - Processed + missing, copies.Values.Sum(c => c - 1),
            _ledger.RawCopies.Values.Sum(c => c - 1), _clock.Elapsed.TotalSeconds)
        {
            Raised = raised.Count,
            MissingAlerts = missing,
        };
    }

    /// <summary>
    /// The alert ids raised so far: the ledger table of the shared PostgreSQL database when the run has one
    /// (<see cref="FaultRunOptions.PostgresState"/>), else of every alerter process's SQLite file.
    /// </summary>
    private HashSet<string> RaisedAlertIds()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (_options.PostgresState is { } postgres)
        {
            using var connection = new Npgsql.NpgsqlConnection(postgres);
            connection.Open();
            using var command = new Npgsql.NpgsqlCommand("SELECT alert_id FROM story_alerts", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }

        foreach (var database in Directory.EnumerateDirectories(_folder, "alerter*").Select(d => Path.Combine(d, "wirewatch.db")).Where(File.Exists))
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(
                new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = database, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly, DefaultTimeout = 30 }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT alert_id FROM story_alerts";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }

        return ids;
    }

    public string Diagnostics() =>
        $"restarted (exit code 75)={Restarted}{Environment.NewLine}" +
        string.Join(Environment.NewLine, _processes.Select(p => $"[{p.Role}{(p.ExitCode is { } code ? $", exited {code}" : "")}] {p.ErrorTail()}"));

    /// <summary>Each queue's messages and consumers, for a failure message (what is stuck where).</summary>
    private async Task<string> QueueTableAsync()
    {
        try
        {
            var messages = await _control().QueueColumnAsync(VirtualHost, "messages");
            var consumers = await _control().QueueColumnAsync(VirtualHost, "consumers");
            var unacknowledged = await _control().QueueColumnAsync(VirtualHost, "messages_unacknowledged");
            var leaders = await _control().CtlAsync("list_queues", "-p", VirtualHost, "name", "leader", "online", "--no-table-headers");
            var channels = await _control().CtlAsync("list_channels", "name", "messages_unconfirmed", "messages_unacknowledged", "consumer_count", "--no-table-headers");
            return "queues: " + string.Join(", ", messages.OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => $"{m.Key} messages={m.Value} unacked={unacknowledged.GetValueOrDefault(m.Key)} consumers={consumers.GetValueOrDefault(m.Key)}"))
                + Environment.NewLine + "leaders (queue, leader, online members):" + Environment.NewLine + leaders
                + Environment.NewLine + "channels (name, unconfirmed, unacked, consumers):" + Environment.NewLine + channels;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            return "queues: not listed (" + e.Message + ")";
        }
    }

    private async Task<bool> QueuesDrainedAsync()
    {
        var messages = await _control().QueueColumnAsync(VirtualHost, "messages");
        string[] watched = [WireNames.CleanerQueue, WireNames.ClassifierQueue, WireNames.AlerterQueue, "fault-ledger", "fault-classified", "fault-rejected", "fault-fetched", .. _cleaned is null ? Array.Empty<string>() : ["fault-cleaned"]];
        // A queue missing from the listing (rabbitmqctl leaves out a row it cannot read in time, e.g. under load) is not
        // drained: counting it as empty ended a run while the alerter still had its messages (alerted=8 of 150).
        return watched.All(queue => messages.TryGetValue(queue, out var count) && count == 0);
    }

    private async Task WaitForConsumersAsync(string queue, int consumers)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var now = (await _control().QueueColumnAsync(VirtualHost, "consumers")).GetValueOrDefault(queue);
            if (now >= consumers)
            {
                return;
            }

            if (clock.Elapsed > ReadyDeadline)
            {
                throw new TimeoutException($"{Name}: {queue} has {now} of {consumers} consumers after {ReadyDeadline.TotalSeconds:0} s.{Environment.NewLine}{Diagnostics()}");
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        foreach (var recorder in new[] { _ledger, _classified, _rejected, _fetched, _cleaned })
        {
            if (recorder is not null)
            {
                await recorder.DisposeAsync();
            }
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary folder; the system cleans it eventually.
        }
    }
}

/// <summary>What a case changes in its run: webhook channels to a receiver, replicas of each role, alerter settings, where the ledger listens.</summary>
internal sealed record FaultRunOptions
{
    /// <summary>Each subscription also delivers to this receiver (URL and signing key).</summary>
    public (Uri Url, byte[] Key)? Webhook { get; init; }

    /// <summary>Fetcher processes on the same sources, each with its own data folder (its own seen-store).</summary>
    public int Fetchers { get; init; } = 1;

    public IReadOnlyDictionary<string, string> AlerterSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The ledger reads <c>wirewatch.alerts.unrouted</c> instead of binding to <c>wirewatch.alerts</c>, which is then
    /// left with no binding at all.
    /// </summary>
    public bool LedgerOnUnroutedAlerts { get; init; }

    /// <summary>
    /// Runs once the three consumer roles consume and before the fetcher starts (so before any article flows): a fault
    /// that must be in place before the flow, or a look at the broker's state before it.
    /// </summary>
    public Func<FaultRun, Task>? BeforeFlow { get; init; }

    /// <summary>Settings (environment variables) of every fetcher process, e.g. the state store.</summary>
    public IReadOnlyDictionary<string, string> FetcherSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Settings (environment variables) of every process, whatever its role.</summary>
    public IReadOnlyDictionary<string, string> RoleSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The four roles keep their state in this PostgreSQL database (<c>Wirewatch:State:Provider=Postgres</c>), and the
    /// raised alerts are read from its <c>story_alerts</c>.
    /// </summary>
    public string? PostgresState
    {
        get => _postgresState;
        init
        {
            _postgresState = value;
            if (value is not null)
            {
                RoleSettings = new Dictionary<string, string>(RoleSettings, StringComparer.Ordinal)
                {
                    ["Wirewatch__State__Provider"] = "Postgres",
                    ["Wirewatch__State__ConnectionString"] = value,
                };
            }
        }
    }

    private readonly string? _postgresState;

    /// <summary>Cleaner processes on the one cleaner queue, each with its own data folder.</summary>
    public int Cleaners { get; init; } = 1;

    /// <summary>Classifier processes on the one classifier queue, each with its own data folder.</summary>
    public int Classifiers { get; init; } = 1;

    /// <summary>Alerter processes on the one alerter queue, each with its own data folder (so with its own ledger unless <see cref="PostgresState"/>).</summary>
    public int Alerters { get; init; } = 1;

    /// <summary>
    /// The directory source's folder, instead of one inside the run's own: a directory article's URL (and so its article,
    /// story and alert ids) contains the folder's path, so two runs compared id for id write their corpus to the same
    /// folder. The caller owns it (the run leaves it in place).
    /// </summary>
    public string? InboxFolder { get; init; }

    /// <summary>Articles added to the synthetic corpus (e.g. versions of one story), written to the inbox with it.</summary>
    public IReadOnlyList<SyntheticArticles.Article> ExtraArticles { get; init; } = [];

    /// <summary>A recorder keeps every ArticleCleaned body (for checks on the story ids the cleaners gave).</summary>
    public bool KeepCleanedBodies { get; init; }

    /// <summary>The inbox source's interval.</summary>
    public TimeSpan SourceInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Articles of the corpus kept out of the inbox at the start, written one by one with <see cref="FaultRun.ReleaseNextAsync"/>.</summary>
    public int WithheldArticles { get; init; }

    /// <summary>The fetched recorder keeps every ArticleFetched body (for checks on what was published).</summary>
    public bool KeepFetchedBodies { get; init; }
}

/// <summary>
/// What went in against what came out. <c>duplicated</c>: alert ids that reached a subscriber de-duplicating on the
/// AMQP message id more than once (must be 0). <c>redelivered</c>: extra copies on the wire with the same message id
/// (at-least-once at work, harmless to such a subscriber; reported, not failed).
/// </summary>
internal sealed record Ledger(string Fault, int Sent, int Processed, int Alerted, int Lost, int Duplicated, int Redelivered, double Seconds)
{
    /// <summary>What a case adds to its line (e.g. <c>fetched=300</c>).</summary>
    public string? Note { get; init; }

    /// <summary>Alert ids the alerters recorded as raised (their ledgers' <c>story_alerts</c>).</summary>
    public int Raised { get; init; }

    /// <summary>Raised alerts that never reached <c>wirewatch.alerts</c>; counted in <see cref="Lost"/>.</summary>
    public int MissingAlerts { get; init; }

    public override string ToString() =>
        FormattableString.Invariant($"fault={Fault} sent={Sent} processed={Processed} alerted={Alerted} lost={Lost} duplicated={Duplicated} redelivered={Redelivered} seconds={Seconds:0.0} raised={Raised} missing-alerts={MissingAlerts}")
        + (Note is null ? "" : " " + Note);
}
