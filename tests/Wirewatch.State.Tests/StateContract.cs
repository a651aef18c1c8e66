using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Wirewatch.Alerting;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>
/// The base of every contract test: a fresh state location per test (a SQLite file, or a database on the private
/// PostgreSQL cluster), and "replicas": service providers composed as a worker composes them, each with its own store
/// instances (own candidate index, own alerter instance id) on the same location. Time is a fake clock shared by all.
/// </summary>
public abstract class StateContract : IAsyncLifetime
{
    private readonly List<ServiceProvider> _replicas = [];

    protected FakeTimeProvider Time { get; } = new(Articles.FixedNow);

    protected StateLocation Location { get; private set; } = null!;

    protected abstract Task<StateLocation> NewLocationAsync();

    public async Task InitializeAsync() => Location = await NewLocationAsync();

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    /// <summary>One more process on the same state. Its alert ledger does not wait on others' claims unless told to.</summary>
    protected IServiceProvider Replica(Action<AlertLedgerOptions>? ledger = null)
    {
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(Time)
            .AddLogging()
            .AddWirewatchState(Location);
        services.Configure<AlertLedgerOptions>(o =>
        {
            o.InProgressWait = TimeSpan.Zero;
            ledger?.Invoke(o);
        });
        var provider = services.BuildServiceProvider(validateScopes: true);
        _replicas.Add(provider);
        return provider;
    }

    protected T Store<T>()
        where T : notnull => Replica().GetRequiredService<T>();
}

/// <summary>Contract tests on SQLite: a fresh file per test.</summary>
public static class SqliteLocation
{
    public static Task<StateLocation> NewAsync() => Task.FromResult(StateLocation.Sqlite(Path.Combine(TestPaths.TempFolder("state"), "wirewatch.db")));
}

/// <summary>One private PostgreSQL cluster for every PostgreSQL contract class (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}

public static class PostgresLocation
{
    /// <summary>A fresh database per test.</summary>
    public static async Task<StateLocation> NewAsync(PostgresCluster cluster) => StateLocation.Postgres(await cluster.CreateDatabaseAsync("contract"));
}
