using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wirewatch.Alerting;
using Wirewatch.Alerting.Digests;
using Wirewatch.ArticleStore;
using Wirewatch.Cleaning.Stories;
using Wirewatch.Fetching;
using Wirewatch.State.Postgres;
using Wirewatch.State.Sqlite;

namespace Wirewatch.State;

public static class StateRegistration
{
    /// <summary>
    /// The state seam: the database at <paramref name="location"/> (<see cref="IStateDatabase"/>), every store on it
    /// (<see cref="ISeenStore"/>, <see cref="IStoryStore"/>, <see cref="IAlertLedger"/>, <see cref="IThrottleStore"/>,
    /// <see cref="IDigestStore"/>, <see cref="ISourceStatusStore"/>, the console's <see cref="IArticleStore"/>, the
    /// console's replay requests <see cref="IReplayRequestStore"/>), and the
    /// migration run at start.
    /// Call it before the bus and the schedules are added, so the schema is current before the first message.
    /// </summary>
    public static IServiceCollection AddWirewatchState(this IServiceCollection services, StateLocation location)
    {
        if (location.IsPostgres)
        {
            services.AddSingleton(_ => new PostgresDatabase(location.Target));
            services.AddSingleton<IStateDatabase>(sp => sp.GetRequiredService<PostgresDatabase>());
            services.AddSingleton<ISeenStore>(sp => new PostgresSeenStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<IStoryStore>(sp => new PostgresStoryStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<IAlertLedger>(sp => new PostgresAlertLedger(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IOptions<AlertLedgerOptions>>().Value));
            services.AddHostedService(sp => (PostgresAlertLedger)sp.GetRequiredService<IAlertLedger>());
            services.AddSingleton<IThrottleStore>(sp => new PostgresThrottleStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<IDigestStore>(sp => new PostgresDigestStore(sp.GetRequiredService<PostgresDatabase>(),
                (PostgresAlertLedger)sp.GetRequiredService<IAlertLedger>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<ISourceStatusStore>(sp => new PostgresSourceStatusStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<IArticleStore>(sp => new PostgresArticleStore(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IReplayRequestStore>(sp => new PostgresReplayRequestStore(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.AddSingleton(_ => new SqliteDatabase(location.Target));
            services.AddSingleton<IStateDatabase>(sp => sp.GetRequiredService<SqliteDatabase>());
            services.AddSingleton<ISeenStore>(sp => new SqliteSeenStore(sp.GetRequiredService<SqliteDatabase>()));
            services.AddSingleton<IStoryStore>(sp => new SqliteStoryStore(sp.GetRequiredService<SqliteDatabase>()));
            services.AddSingleton<IAlertLedger>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<AlertLedgerOptions>>().Value;
                return new SqliteAlertLedger(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>(), options.ClaimLease, options.InProgressWait);
            });
            services.AddSingleton<IThrottleStore>(sp => new SqliteThrottleStore(sp.GetRequiredService<SqliteDatabase>()));
            services.AddSingleton<IDigestStore>(sp => new SqliteDigestStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IOptions<AlertLedgerOptions>>().Value.ClaimLease));
            services.AddSingleton<ISourceStatusStore>(sp => new SqliteSourceStatusStore(sp.GetRequiredService<SqliteDatabase>()));
            services.AddSingleton<IArticleStore>(sp => new SqliteArticleStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IReplayRequestStore>(sp => new SqliteReplayRequestStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        }

        services.AddHostedService<StateMigrator>();
        return services;
    }
}

/// <summary>Brings the schema to the newest version when the host starts, before the bus and the schedules: a database that cannot be migrated stops the start.</summary>
internal sealed class StateMigrator(IStateDatabase database, ILogger<StateMigrator> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await database.MigrateAsync(cancellationToken);
        if (result.Applied.Count == 0)
        {
            log.LogInformation("State: {Database} at schema version {Version}, nothing to migrate", database.Description, result.Version);
        }
        else
        {
            log.LogInformation("State: {Database} migrated to schema version {Version} ({Applied})", database.Description, result.Version,
                string.Join(", ", result.Applied.Select(m => $"{m.Version} {m.Name}")));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
