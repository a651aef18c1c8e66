using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Wirewatch.State;

/// <summary>Bound from <c>Wirewatch:State</c>: where every store keeps its state.</summary>
public sealed class StateOptions
{
    public const string Section = "Wirewatch:State";

    /// <summary><c>Sqlite</c> (default: <c>wirewatch.db</c> under <c>Wirewatch:DataDir</c>, one machine) or <c>Postgres</c> (shared by replicas).</summary>
    public string Provider { get; set; } = StateProviders.Sqlite;

    /// <summary>The PostgreSQL connection string (Npgsql's keywords). Never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A file holding the connection string (a mounted Kubernetes or compose secret); replaces <see cref="ConnectionString"/>.</summary>
    public string? ConnectionStringFile { get; set; }
}

public static class StateProviders
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
}

/// <summary>The validated choice of store: a SQLite file, or a PostgreSQL connection string (kept out of <see cref="ToString"/>).</summary>
public sealed class StateLocation
{
    private StateLocation(string provider, string target)
    {
        Provider = provider;
        Target = target;
    }

    public string Provider { get; }

    /// <summary>The SQLite file's path, or the PostgreSQL connection string.</summary>
    internal string Target { get; }

    public bool IsPostgres => Provider == StateProviders.Postgres;

    /// <summary>The connection string on PostgreSQL (for the fetcher's clustered Quartz schedule, which shares the database); null on SQLite.</summary>
    public string? PostgresConnectionString => IsPostgres ? Target : null;

    /// <summary>The SQLite file (<c>wirewatch.db</c>), or null on PostgreSQL.</summary>
    public string? SqlitePath => IsPostgres ? null : Target;

    public static StateLocation Sqlite(string databasePath) => new(StateProviders.Sqlite, Path.GetFullPath(databasePath));

    public static StateLocation Postgres(string connectionString) => new(StateProviders.Postgres, connectionString);

    /// <summary>
    /// Reads <c>Wirewatch:State</c>; <paramref name="dataDir"/> holds the SQLite file. Throws
    /// <see cref="OptionsValidationException"/> naming the key on a wrong value; never prints the connection string.
    /// </summary>
    public static StateLocation Read(IConfiguration configuration, string dataDir)
    {
        var options = new StateOptions();
        configuration.GetSection(StateOptions.Section).Bind(options);
        var failures = new List<string>();
        StateLocation? location = null;
        if (string.Equals(options.Provider, StateProviders.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            if (options.ConnectionString is not null || options.ConnectionStringFile is not null)
            {
                failures.Add("Wirewatch:State:ConnectionString and ConnectionStringFile apply only with Wirewatch:State:Provider=Postgres (SQLite lives under Wirewatch:DataDir).");
            }

            location = Sqlite(Path.Combine(Path.GetFullPath(dataDir), "wirewatch.db"));
        }
        else if (string.Equals(options.Provider, StateProviders.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = ReadConnectionString(options, failures);
            if (connectionString is not null)
            {
                try
                {
                    _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
                    location = Postgres(connectionString);
                }
                catch (ArgumentException e)
                {
                    // Npgsql's message names the keyword, never the value.
                    failures.Add($"Wirewatch:State:ConnectionString is not a valid PostgreSQL connection string ({e.Message}).");
                }
            }
        }
        else
        {
            failures.Add($"Wirewatch:State:Provider must be '{StateProviders.Sqlite}' or '{StateProviders.Postgres}' (was '{options.Provider}').");
        }

        if (failures.Count > 0 || location is null)
        {
            throw new OptionsValidationException(StateOptions.Section, typeof(StateOptions), failures);
        }

        return location;
    }

    private static string? ReadConnectionString(StateOptions options, List<string> failures)
    {
        if (options.ConnectionStringFile is { Length: > 0 } file)
        {
            if (options.ConnectionString is not null)
            {
                failures.Add("Wirewatch:State:ConnectionString and Wirewatch:State:ConnectionStringFile are both set: keep one (the file, for a mounted secret).");
                return null;
            }

            try
            {
                var text = File.ReadAllText(file).TrimEnd('\r', '\n');
                if (text.Length == 0)
                {
                    failures.Add($"Wirewatch:State:ConnectionStringFile: file '{file}' is empty.");
                    return null;
                }

                return text;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"Wirewatch:State:ConnectionStringFile: cannot read '{file}' ({e.GetType().Name}: {e.Message}).");
                return null;
            }
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Wirewatch:State:ConnectionString (or ConnectionStringFile) is required when Wirewatch:State:Provider is Postgres.");
            return null;
        }

        return options.ConnectionString;
    }

    public override string ToString() => IsPostgres
        ? $"Postgres({Describe(Target)})"
        : $"Sqlite({Target})";

    /// <summary>Host, port and database of a connection string: what a log line or error may show (no user, no password).</summary>
    private static string Describe(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
