using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Wirewatch.Tests.Shared.Postgres;

/// <summary>
/// A private PostgreSQL 15 cluster for one test class or collection: <c>initdb</c> into a temporary folder, its own
/// port, listening on 127.0.0.1 only (trust auth on loopback), its socket in the same folder, run as the <c>postgres</c>
/// OS user when the tests run as root (postgres refuses root). Stopped and deleted afterwards, also on process exit.
/// <see cref="StopAsync"/> and <see cref="StartAsync"/> restart it on the same port, for outage tests.
/// </summary>
public class PostgresCluster : IAsyncLifetime
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private const string SuperUser = "wirewatch";
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(90);

    private readonly string _root = Directory.CreateTempSubdirectory("wirewatch-postgres-").FullName;
    private bool _disposed;

    public int Port { get; private set; }

    private string DataFolder => Path.Combine(_root, "data");
    private string SocketFolder => Path.Combine(_root, "socket");
    private string LogFile => Path.Combine(_root, "postgres.log");

    /// <summary>The cluster's maintenance database (<c>postgres</c>) as the superuser; tests use <see cref="CreateDatabaseAsync"/>.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
        Pooling = true,
        Timeout = 5,
    }.ConnectionString;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL 15 is not installed ({BinDirectory}/initdb is missing). The tests start a private cluster from Debian's " +
                "postgresql-15 package: run ops/test-deps.sh postgresql (ops/test.sh does), or `apt-get install postgresql-15`.");
        }

        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        try
        {
            Directory.CreateDirectory(SocketFolder);
            if (RunsAsRoot)
            {
                await RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", _root], asServiceUser: false);
            }

            await RunAsync(Path.Combine(BinDirectory, "initdb"),
                ["-D", DataFolder, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], asServiceUser: true);
            Port = FreePort();
            // Appended as the service user's file stays its own; a later setting wins in postgresql.conf.
            await File.AppendAllTextAsync(Path.Combine(DataFolder, "postgresql.conf"), string.Join('\n',
                "",
                "listen_addresses = '127.0.0.1'",
                $"port = {Port.ToString(CultureInfo.InvariantCulture)}",
                $"unix_socket_directories = '{SocketFolder}'",
                "max_connections = 300",
                // A throwaway cluster: durability is not what these tests measure.
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                ""));
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the cluster (again) on its port and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["start", "-D", DataFolder, "-l", LogFile, "-w", "-t", "60"], asServiceUser: true);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
    }

    /// <summary>Stops the cluster (fast: open sessions are cut, as in an outage); its data stays for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["stop", "-D", DataFolder, "-m", "fast", "-w", "-t", "60"], asServiceUser: true);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A fresh, empty database: one per test class, so no test sees another's rows. Returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray())}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    /// <summary>The server's log, for failure messages.</summary>
    public string ServerLog()
    {
        try
        {
            return File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async Task DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            try
            {
                await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["stop", "-D", DataFolder, "-m", "immediate", "-w", "-t", "30"], asServiceUser: true);
            }
            catch (InvalidOperationException)
            {
                KillPostmaster();
            }
        }

        DeleteRoot();
    }

    /// <summary>.NET reads the effective user's name on Unix.</summary>
    private static bool RunsAsRoot => Environment.UserName == "root";

    /// <summary>Runs a tool to its end; as the <c>postgres</c> user (<c>runuser</c>) when the tests run as root. Throws with its output on failure.</summary>
    private async Task RunAsync(string tool, string[] args, bool asServiceUser)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        if (asServiceUser && RunsAsRoot)
        {
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", ServiceUser, "--", tool, .. args])
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = tool;
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(tool)} {string.Join(' ', args)} did not finish within {ToolTimeout.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(tool)} {string.Join(' ', args)} exited with {process.ExitCode}: {(await error).Trim()} {(await output).Trim()}{Environment.NewLine}{ServerLog()}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The test process is ending without DisposeAsync (a crash, a cancelled run): leave no server and no folder behind.</summary>
    private void KillOnExit(object? sender, EventArgs e)
    {
        KillPostmaster();
        DeleteRoot();
    }

    private void KillPostmaster()
    {
        try
        {
            var pidFile = Path.Combine(DataFolder, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                using var postmaster = Process.GetProcessById(pid);
                postmaster.Kill(entireProcessTree: true);
                postmaster.WaitForExit(10_000);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
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
            // A temporary folder; the OS cleans it eventually.
        }
    }
}
