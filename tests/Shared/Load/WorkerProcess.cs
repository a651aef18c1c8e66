using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Wirewatch.Tests.Shared.Load;

/// <summary>
/// One <c>wirewatch run</c> process with one role, configured as a container of the one image would be (environment
/// variables only), so the pipeline is measured as deployed: four processes, four connections, one broker.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _errors = [];

    private WorkerProcess(string role, Process process, Uri baseAddress)
    {
        Role = role;
        _process = process;
        BaseAddress = baseAddress;
    }

    public string Role { get; }

    /// <summary>Where the process serves <c>/health/live</c> and <c>/health/ready</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Everything the process wrote on stderr (its logs) that is still kept: the last 100 to 200 lines.</summary>
    public string Logs()
    {
        lock (_errors)
        {
            return string.Join(Environment.NewLine, _errors);
        }
    }

    public TimeSpan CpuTime
    {
        get
        {
            try
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                return TimeSpan.Zero;
            }
        }
    }

    /// <summary>Peak resident set (VmHWM) in MB, read from /proc while the process lives.</summary>
    public double PeakRssMegabytes
    {
        get
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                        return kb / 1024.0;
                    }
                }
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Gone already.
            }

            return 0;
        }
    }

    /// <summary>wirewatch.dll as built in this repository, in the caller's configuration (bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string LocateWorker()
    {
        // Another build of the worker, e.g. a ReadyToRun publish as the image ships it (docs/benchmarks.md).
        if (Environment.GetEnvironmentVariable("WIREWATCH_WORKER_DLL") is { Length: > 0 } other)
        {
            return File.Exists(other) ? Path.GetFullPath(other) : throw new FileNotFoundException($"WIREWATCH_WORKER_DLL names no file: {other}");
        }

        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Workers.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root?.FullName ?? ".", "src", "Wirewatch.Worker", "bin", configuration, framework, "wirewatch.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"The worker is not built at {dll}: run `dotnet build -c {configuration} Workers.sln` first.");
    }

    public static WorkerProcess Start(string workerDll, string role, int amqpPort, string virtualHost, string dataDir, string? sourcesFile, int concurrentMessages, IReadOnlyDictionary<string, string>? settings = null)
    {
        Directory.CreateDirectory(dataDir);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDir,
        };
        start.ArgumentList.Add(workerDll);
        start.ArgumentList.Add("run");
        var environment = new Dictionary<string, string>
        {
            ["Wirewatch__Roles"] = role,
            ["Wirewatch__Transport"] = "RabbitMq",
            ["Wirewatch__RabbitMq__Host"] = "127.0.0.1",
            ["Wirewatch__RabbitMq__Port"] = amqpPort.ToString(CultureInfo.InvariantCulture),
            ["Wirewatch__RabbitMq__VirtualHost"] = virtualHost,
            ["Wirewatch__DataDir"] = dataDir,
            ["Wirewatch__ConcurrentMessages"] = concurrentMessages.ToString(CultureInfo.InvariantCulture),
            ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/'),
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_gcServer"] = "0",
        };
        if (sourcesFile is not null)
        {
            environment["Wirewatch__SourcesFile"] = sourcesFile;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start the {role} process");
        var worker = new WorkerProcess(role, process, baseAddress);
        // The console logger writes to stdout at Warning and above here: both streams are kept for a failure message.
        process.OutputDataReceived += (_, e) => worker.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>The last lines the process wrote (warnings and errors, at the harness's log level), for a failure message.</summary>
    public string ErrorTail()
    {
        lock (_errors)
        {
            // Stack frames left out: a logged exception's frames would push its message, and every line before, out of the tail.
            return string.Join(Environment.NewLine, _errors
                .Where(line => !line.TrimStart().StartsWith("at ", StringComparison.Ordinal) && !line.TrimStart().StartsWith("--- End of", StringComparison.Ordinal))
                .TakeLast(15));
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public int Id => _process.Id;

    /// <summary>Sends a signal by name (<c>KILL</c>, <c>TERM</c>, <c>STOP</c>, <c>CONT</c>): the faults a container meets.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_errors)
        {
            _errors.Add(line);
            if (_errors.Count > 200)
            {
                _errors.RemoveRange(0, 100);
            }
        }
    }

    /// <summary>SIGTERM (the graceful stop a container gets), then a kill if it has not exited in 30 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
