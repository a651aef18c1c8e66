using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// A private RabbitMQ node for one test collection: its own node name, ports, Erlang cookie (HOME), epmd, database and
/// logs, all under a temporary folder, so it collides with nothing else on the machine and leaves nothing behind.
/// Started once per collection (a few seconds), stopped and deleted when the collection is done.
/// Made with TLS files, it also listens for AMQPS on <see cref="TlsPort"/> and requires clients there to present a
/// certificate from the same CA (see <c>TlsRabbitMqNode</c>).
/// </summary>
public class RabbitMqNode : IAsyncLifetime
{
    public const string ServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    public const string CtlPath = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private const string EpmdPath = "epmd";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(90); // list_queues asks every node of a cluster; slow on a loaded machine
    private const int StartAttempts = 3;

    private readonly ConcurrentQueue<string> _serverOutput = new();
    private readonly string _root = Directory.CreateTempSubdirectory("wirewatch-rabbitmq-").FullName;
    private readonly ClusterMembership? _cluster;
    private Process? _server;
    private Dictionary<string, string> _environment = [];
    private int _epmdPort;
    private bool _disposed;

    public RabbitMqNode()
    {
    }

    /// <summary>A node that can join others: the cluster's Erlang cookie and epmd port (nodes find each other there).</summary>
    internal RabbitMqNode(ClusterMembership cluster)
    {
        _cluster = cluster;
    }

    /// <param name="createTlsFiles">Writes the listener's PEM files into the node's own folder (deleted with it).</param>
    protected RabbitMqNode(Func<string, TlsListenerFiles> createTlsFiles)
    {
        TlsFiles = createTlsFiles(_root);
    }

    public string NodeName { get; private set; } = "";

    /// <summary>False after <see cref="StopNodeAsync"/>, until <see cref="StartNodeAsync"/>.</summary>
    public bool IsRunning => _server is { HasExited: false };
    public int AmqpPort { get; private set; }

    /// <summary>The AMQPS port when the node was made with TLS; 0 otherwise.</summary>
    public int TlsPort { get; private set; }

    /// <summary>The TLS listener's files; null without TLS.</summary>
    public TlsListenerFiles? TlsFiles { get; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ServerPath) || !File.Exists(CtlPath))
        {
            throw new InvalidOperationException(
                $"RabbitMQ is not installed ({ServerPath} and {CtlPath} are missing). The integration tests start their own " +
                "private broker from the Debian rabbitmq-server package: run ops/test.sh, which installs it, or `apt-get install rabbitmq-server`.");
        }

        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        try
        {
            var deadline = Stopwatch.StartNew();
            for (var attempt = 1; ; attempt++)
            {
                var failure = await TryStartAsync(StartDeadline - deadline.Elapsed);
                if (failure is null)
                {
                    return;
                }

                await StopServerAsync();
                if (attempt == StartAttempts || deadline.Elapsed >= StartDeadline)
                {
                    throw new InvalidOperationException(
                        $"The private RabbitMQ node did not start ({failure}). Last server output:{Environment.NewLine}{ServerOutputTail()}");
                }
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>rabbitmqctl -n &lt;node&gt; -q ARGS</c> against this node and returns its standard output; throws on a non-zero exit.</summary>
    public async Task<string> CtlAsync(params string[] args)
    {
        var result = await RunToolAsync(CtlPath, ["-n", NodeName, "-q", .. args], CtlTimeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"rabbitmqctl {string.Join(' ', args)} exited with {result.ExitCode}: {result.StandardError.Trim()} {result.StandardOutput.Trim()}");
        }

        return result.StandardOutput;
    }

    /// <summary>
    /// Stops the broker application (every client connection drops, the AMQP port closes) while the Erlang node, its
    /// virtual hosts and its durable queues stay: an outage as clients see it, over in seconds with <see cref="StartBrokerAsync"/>.
    /// </summary>
    public Task StopBrokerAsync() => CtlAsync("stop_app");

    /// <summary>Starts the broker application again after <see cref="StopBrokerAsync"/> and waits until it runs.</summary>
    public async Task StartBrokerAsync()
    {
        await CtlAsync("start_app");
        await CtlAsync("await_startup");
    }

    /// <summary>
    /// Stops the whole node (the Erlang VM exits: its connections drop, its quorum queue members go away and the others
    /// elect a leader) and keeps its name, ports and data for <see cref="StartNodeAsync"/>: a node lost and brought back.
    /// </summary>
    public async Task StopNodeAsync()
    {
        var server = _server ?? throw new InvalidOperationException($"{NodeName} is not running.");
        await RunToolAsync(CtlPath, ["-n", NodeName, "stop"], CtlTimeout);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(grace.Token);
        server.Dispose();
        _server = null;
    }

    /// <summary>
    /// Kills the node's VM outright (SIGKILL, as a crashed machine or the OOM killer would), at once rather than after
    /// <c>rabbitmqctl stop</c>'s seconds of start-up; keeps its name, ports and data for <see cref="StartNodeAsync"/>.
    /// </summary>
    public async Task KillNodeAsync()
    {
        var server = _server ?? throw new InvalidOperationException($"{NodeName} is not running.");
        server.Kill(entireProcessTree: true);
        // Not WaitForExitAsync: it also waits for the end of the redirected output, which a daemon the node started
        // (the cluster's epmd) may hold open long after the VM is gone.
        var deadline = Stopwatch.StartNew();
        while (!server.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        server.Dispose();
        _server = null;
    }

    /// <summary>Starts the node stopped by <see cref="StopNodeAsync"/> (or <see cref="KillNodeAsync"/>) again, under the same name and ports, with its data; waits until it runs.</summary>
    public async Task StartNodeAsync()
    {
        if (_server is not null)
        {
            throw new InvalidOperationException($"{NodeName} is running.");
        }

        var failure = await LaunchAsync(StartDeadline);
        if (failure is not null)
        {
            throw new InvalidOperationException($"{NodeName} did not start again ({failure}). Last server output:{Environment.NewLine}{ServerOutputTail()}");
        }
    }

    /// <summary>One numeric column of <c>rabbitmqctl list_queues</c> (<c>messages</c>, <c>consumers</c>, ...) per queue of the virtual host.</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueColumnAsync(string virtualHost, string column)
    {
        var table = await CtlAsync("list_queues", "-p", virtualHost, "name", column, "--no-table-headers");
        return table.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', StringSplitOptions.TrimEntries))
            .Where(row => row.Length == 2)
            .ToDictionary(row => row[0], row => long.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    /// <summary>The node's own log files, for what the broker did to its clients (channels closed, alarms); empty when unreadable.</summary>
    public string ServerLog()
    {
        try
        {
            var folder = _environment.GetValueOrDefault("RABBITMQ_LOG_BASE");
            return folder is null || !Directory.Exists(folder)
                ? ""
                : string.Join(Environment.NewLine, Directory.GetFiles(folder, "*.log").Select(File.ReadAllText));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>A fresh virtual host that the default <c>guest</c> user may use: one per test, so no test sees another's queues.</summary>
    public async Task<string> CreateVirtualHostAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 9, 64)];
        await CtlAsync("add_vhost", name);
        await CtlAsync("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
        return name;
    }

    public async Task DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        await StopServerAsync();
        DeleteRoot();
    }

    /// <summary>Null when the node is up; otherwise why this attempt failed (a port taken meanwhile, a crash, the deadline).</summary>
    private async Task<string?> TryStartAsync(TimeSpan remaining)
    {
        var ports = FreePorts(4);
        AmqpPort = ports[0];
        _epmdPort = _cluster?.EpmdPort ?? ports[2];
        NodeName = $"wwtest-{Guid.NewGuid():N}"[..15] + "@localhost";

        var attemptFolder = Path.Combine(_root, NodeName.Split('@')[0]);
        var mnesia = Path.Combine(attemptFolder, "mnesia");
        var pidFile = Path.Combine(attemptFolder, "pid");
        Directory.CreateDirectory(mnesia);
        await File.WriteAllTextAsync(Path.Combine(attemptFolder, "enabled_plugins"), "[].");
        if (_cluster is not null)
        {
            // Nodes of one cluster share one cookie; Erlang refuses a cookie file others may read.
            var cookie = Path.Combine(attemptFolder, ".erlang.cookie");
            await File.WriteAllTextAsync(cookie, _cluster.Cookie);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
            }
        }

        if (TlsFiles is { } tls)
        {
            TlsPort = ports[3];
            await File.WriteAllTextAsync(Path.Combine(attemptFolder, "rabbitmq.conf"), string.Join('\n',
                $"listeners.ssl.default = 127.0.0.1:{TlsPort}",
                $"ssl_options.cacertfile = {tls.CaFile}",
                $"ssl_options.certfile = {tls.CertificateFile}",
                $"ssl_options.keyfile = {tls.KeyFile}",
                "ssl_options.verify = verify_peer",
                "ssl_options.fail_if_no_peer_cert = true",
                ""));
        }

        _environment = new Dictionary<string, string>
        {
            ["HOME"] = attemptFolder, // The Erlang cookie is created and read here, by the server and by rabbitmqctl alike.
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_PORT"] = AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = _epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = mnesia,
            ["RABBITMQ_LOG_BASE"] = Path.Combine(attemptFolder, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(attemptFolder, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(attemptFolder, "rabbitmq"), // rabbitmq.conf: only with TLS; otherwise built-in defaults.
            ["RABBITMQ_PID_FILE"] = pidFile,
        };

        return await LaunchAsync(remaining);
    }

    /// <summary>Starts rabbitmq-server with the node's environment; null when it runs, otherwise why not.</summary>
    private async Task<string?> LaunchAsync(TimeSpan remaining)
    {
        var pidFile = _environment["RABBITMQ_PID_FILE"];
        var start = CreateStartInfo(ServerPath, []);
        var server = new Process { StartInfo = start, EnableRaisingEvents = true };
        server.OutputDataReceived += (_, e) => Remember(e.Data);
        server.ErrorDataReceived += (_, e) => Remember(e.Data);
        server.Start();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        _server = server;

        // `rabbitmqctl wait` returns once the node runs its applications; the server exiting first means it failed.
        using var timeout = new CancellationTokenSource(remaining);
        var waitTimeout = ((int)Math.Max(1, Math.Min(60, remaining.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var wait = RunToolAsync(CtlPath, ["-n", NodeName, "wait", pidFile, "--timeout", waitTimeout], remaining, timeout.Token);
        var exited = server.WaitForExitAsync(timeout.Token);
        var first = await Task.WhenAny(wait, exited);
        if (first == exited && !exited.IsCanceled)
        {
            await timeout.CancelAsync();
            await Swallow(wait);
            return $"rabbitmq-server exited with code {server.ExitCode} while starting";
        }

        await timeout.CancelAsync();
        await Swallow(exited);
        ToolResult result;
        try
        {
            result = await wait;
        }
        catch (OperationCanceledException)
        {
            return $"not ready within {remaining.TotalSeconds:0} s";
        }

        return result.ExitCode == 0
            ? null
            : $"rabbitmqctl wait exited with {result.ExitCode}: {result.StandardError.Trim()} {result.StandardOutput.Trim()}";
    }

    private async Task StopServerAsync()
    {
        var server = _server;
        _server = null;
        if (server is null)
        {
            return;
        }

        try
        {
            if (!server.HasExited)
            {
                try
                {
                    await RunToolAsync(CtlPath, ["-n", NodeName, "stop"], CtlTimeout);
                }
                catch (OperationCanceledException)
                {
                    // Killed below.
                }

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await server.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    // Killed below.
                }
            }

            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            server.Dispose();
        }

        // rabbitmq-server started a private epmd (its own port) as a daemon, outside the server's process tree. A
        // cluster's epmd serves every node: the cluster stops it last.
        if (_cluster is not null)
        {
            return;
        }

        await KillEpmdAsync(_epmdPort);
    }

    internal static async Task KillEpmdAsync(int epmdPort)
    {
        try
        {
            using var epmd = new Process { StartInfo = new ProcessStartInfo(EpmdPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true } };
            epmd.StartInfo.ArgumentList.Add("-port");
            epmd.StartInfo.ArgumentList.Add(epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            epmd.StartInfo.ArgumentList.Add("-kill");
            epmd.Start();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await epmd.WaitForExitAsync(deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Nothing more to do: a leftover epmd on a private port harms no one.
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            if (_server is { HasExited: false } server)
            {
                server.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void DeleteRoot()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held by a dying process; the temporary folder is cleaned by the system eventually.
        }
    }

    private ProcessStartInfo CreateStartInfo(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = _root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private async Task<ToolResult> RunToolAsync(string file, string[] args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = CreateStartInfo(file, args) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _serverOutput.Enqueue(line);
        while (_serverOutput.Count > 60 && _serverOutput.TryDequeue(out _))
        {
        }
    }

    private string ServerOutputTail()
    {
        var text = new StringBuilder();
        foreach (var line in _serverOutput)
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    private static async Task Swallow(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Distinct ports that are free now, below the kernel's ephemeral range (32768+) so that no outgoing connection
    /// takes one before the node binds it.
    /// </summary>
    internal static int[] FreePorts(int count)
    {
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var port = Random.Shared.Next(20000, 32000);
            if (!ports.Contains(port) && IsFree(port))
            {
                ports.Add(port);
            }
        }

        return [.. ports];
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Any, port) { ExclusiveAddressUse = true };
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError);
}

[CollectionDefinition("rabbitmq")]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqNode>;

/// <summary>The PEM files of a TLS listener: the CA that client certificates must chain to, the server's certificate and key.</summary>
public sealed record TlsListenerFiles(string CaFile, string CertificateFile, string KeyFile);

/// <summary>What the nodes of one private cluster share: the Erlang cookie and the epmd port where they find each other.</summary>
internal sealed record ClusterMembership(string Cookie, int EpmdPort);
