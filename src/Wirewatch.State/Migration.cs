namespace Wirewatch.State;

/// <summary>
/// One numbered step of a provider's schema. Applied in order, each once, recorded in <c>schema_migrations</c>; a
/// migration is never edited once shipped, a change is a new number.
/// </summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>Where the schema stands after <see cref="IStateDatabase.MigrateAsync"/>.</summary>
public sealed record MigrationResult(int Version, IReadOnlyList<Migration> Applied);

/// <summary>The database under every store: connections, schema and migrations, one per process.</summary>
public interface IStateDatabase
{
    /// <summary>SQLite file or PostgreSQL host/database; never a password.</summary>
    string Description { get; }

    /// <summary>Brings the schema to the newest version; safe when several processes start at once; idempotent.</summary>
    Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Answers when the database is reachable (readiness); throws otherwise.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
