using Npgsql;

namespace Wirewatch.State.Postgres;

/// <summary>
/// The PostgreSQL database every store of this process uses: one <see cref="NpgsqlDataSource"/> (a pool), the schema
/// and its migrations, applied once before the first connection is handed out. Migrations run in one transaction under
/// an advisory lock, so N replicas starting at once apply each step once; a failed attempt (the server down) is tried
/// again on the next use.
/// </summary>
public sealed class PostgresDatabase : IStateDatabase, IAsyncDisposable
{
    /// <summary>Advisory lock keys (one 64-bit space per database): the migration, and the cleaners' story decisions.</summary>
    internal const long MigrationLock = 0x5757_0001, StoryDecisionLock = 0x5757_0002;

    private readonly NpgsqlDataSource _source;
    private readonly SemaphoreSlim _migrationGate = new(1, 1);
    private MigrationResult? _migrated;

    public PostgresDatabase(string connectionString, IReadOnlyList<Migration>? migrations = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}"; // never the user or password
        _source = NpgsqlDataSource.Create(builder);
        Migrations = migrations ?? PostgresMigrations.All;
    }

    public string Description { get; }

    internal IReadOnlyList<Migration> Migrations { get; }

    /// <summary>An open connection on a migrated schema.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        return await _source.OpenConnectionAsync(cancellationToken);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken)
    {
        if (_migrated is { } done)
        {
            return done;
        }

        await _migrationGate.WaitAsync(cancellationToken);
        try
        {
            return _migrated ??= await ApplyMigrationsAsync(cancellationToken);
        }
        finally
        {
            _migrationGate.Release();
        }
    }

    private async Task<MigrationResult> ApplyMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteSqlAsync(connection, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", MigrationLock));
        await ExecuteSqlAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);
        await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", connection);
        var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var applied = new List<Migration>();
        foreach (var migration in Migrations.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            await ExecuteSqlAsync(connection, migration.Sql, cancellationToken);
            await ExecuteSqlAsync(connection, "INSERT INTO schema_migrations (version, name) VALUES (@version, @name)", cancellationToken,
                ("version", migration.Version), ("name", migration.Name));
            applied.Add(migration);
        }

        await transaction.CommitAsync(cancellationToken);
        return new MigrationResult(Math.Max(current, Migrations.Count == 0 ? 0 : Migrations.Max(m => m.Version)), applied);
    }

    internal static async Task<int> ExecuteSqlAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    public override string ToString() => Description;
}
