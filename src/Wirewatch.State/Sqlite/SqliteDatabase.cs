using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Wirewatch.State.Sqlite;

/// <summary>
/// The SQLite file every store of this process uses (<c>wirewatch.db</c> under the data directory): its connections,
/// its PRAGMAs and its migrations, applied once before the first connection is handed out. Migrations run in an
/// immediate (write-locking) transaction, so processes sharing the file apply each step once.
/// </summary>
public sealed class SqliteDatabase : IStateDatabase
{
    private readonly string _connectionString;
    private readonly Lock _migrationGate = new();
    private readonly SqliteGroupCommit _writes;
    private readonly ConditionalWeakTable<sqlite3, object> _relaxed = new(); // native connections set to synchronous = NORMAL
    private MigrationResult? _migrated;

    public SqliteDatabase(string databasePath, IReadOnlyList<Migration>? migrations = null)
    {
        Path = System.IO.Path.GetFullPath(databasePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, DefaultTimeout = 30, Pooling = true }.ToString();
        Migrations = migrations ?? SqliteMigrations.All;
        _writes = new SqliteGroupCommit(() => Open());
    }

    public string Path { get; }

    public string Description => $"SQLite {Path}";

    internal IReadOnlyList<Migration> Migrations { get; }

    public Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken) => Task.FromResult(Migrate());

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>
    /// An open connection on a migrated schema. <paramref name="relaxedSync"/>: WAL with <c>synchronous = NORMAL</c>
    /// syncs at checkpoints, not at every commit; a power cut may forget the last few rows, never corrupts the file
    /// (for data that can be rebuilt, like story fingerprints; never for the alert ledger).
    /// </summary>
    public SqliteConnection Open(bool relaxedSync = false)
    {
        Migrate();
        var connection = OpenRaw();

        // The mode belongs to the native connection, which the pool hands out again: a connection relaxed for the story
        // store must not come back relaxed for the ledger, and setting the mode on every open was a statement per query.
        var handle = connection.Handle!;
        if (_relaxed.TryGetValue(handle, out _) != relaxedSync)
        {
            Execute(connection, null, relaxedSync ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL");
            if (relaxedSync)
            {
                _relaxed.AddOrUpdate(handle, handle);
            }
            else
            {
                _relaxed.Remove(handle);
            }
        }

        return connection;
    }

    /// <summary>
    /// Runs <paramref name="write"/> in an immediate transaction, committed (with a full sync) before the returned task
    /// completes; writes that arrive together share that transaction and its commit (<see cref="SqliteGroupCommit"/>).
    /// <paramref name="write"/> must only use the connection and transaction it is given: no other write of this file,
    /// no waiting on anything else.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken) =>
        _writes.WriteAsync(write, cancellationToken);

    /// <inheritdoc cref="WriteAsync{T}"/>
    public Task WriteAsync(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        _writes.WriteAsync(async (connection, transaction, ct) =>
        {
            await write(connection, transaction, ct);
            return true;
        }, cancellationToken);

    private MigrationResult Migrate()
    {
        lock (_migrationGate)
        {
            return _migrated ??= ApplyMigrations();
        }
    }

    private MigrationResult ApplyMigrations()
    {
        using var connection = OpenRaw();
        Execute(connection, null, "PRAGMA journal_mode = WAL"); // Persistent in the file; not allowed inside a transaction.
        using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one migrating process at a time
        Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """);
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        var current = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        var applied = new List<Migration>();
        foreach (var migration in Migrations.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            Execute(connection, transaction, migration.Sql);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $at)";
            record.Parameters.AddWithValue("$version", migration.Version);
            record.Parameters.AddWithValue("$name", migration.Name);
            record.Parameters.AddWithValue("$at", TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)); // audit only, not logic
            record.ExecuteNonQuery();
            applied.Add(migration);
        }

        transaction.Commit();
        return new MigrationResult(Math.Max(current, Migrations.Count == 0 ? 0 : Migrations.Max(m => m.Version)), applied);
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static async Task<int> ExecuteSqlAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    public override string ToString() => Description;
}
