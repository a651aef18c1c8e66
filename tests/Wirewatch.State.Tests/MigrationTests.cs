using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wirewatch.Alerting;
using Wirewatch.Cleaning.Stories;
using Wirewatch.Fetching;
using Wirewatch.State.Postgres;
using Wirewatch.State.Sqlite;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>Migrations on every store: applied at start, once, idempotent.</summary>
public abstract class MigrationContract : StateContract
{
    [Fact]
    public async Task A_second_start_migrates_nothing()
    {
        var first = await Replica().GetRequiredService<IStateDatabase>().MigrateAsync(default);
        var second = await Replica().GetRequiredService<IStateDatabase>().MigrateAsync(default);

        first.Applied.ShouldNotBeEmpty("an empty database gets the whole schema");
        second.Applied.ShouldBeEmpty();
        second.Version.ShouldBe(first.Version);
    }

    [Fact]
    public async Task The_stores_work_on_a_schema_they_did_not_migrate_themselves()
    {
        await Replica().GetRequiredService<IStateDatabase>().MigrateAsync(default);
        var store = Replica().GetRequiredService<ISeenStore>();

        await store.SaveRobotsAsync(new StoredRobots("https://wire.example:443", "", Articles.FixedNow), default);

        (await store.GetRobotsAsync("https://wire.example:443", default)).ShouldNotBeNull();
    }
}

public sealed class SqliteMigrationContract : MigrationContract
{
    protected override Task<StateLocation> NewLocationAsync() => SqliteLocation.NewAsync();

    /// <summary>The schema the stores created for themselves before the seam, verbatim, with a row in each store.</summary>
    private const string PreviousVersionSchema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS fetched_articles (canonical_url TEXT PRIMARY KEY, article_id TEXT NOT NULL, version INTEGER NOT NULL,
            content_hash TEXT NOT NULL, etag TEXT NULL, last_modified TEXT NULL, published_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS http_validators (url TEXT PRIMARY KEY, etag TEXT NULL, last_modified TEXT NULL);
        CREATE TABLE IF NOT EXISTS robots_txt (origin TEXT PRIMARY KEY, body TEXT NOT NULL, fetched_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS story_shingles (article_id TEXT NOT NULL, version INTEGER NOT NULL, story_id TEXT NOT NULL, headline TEXT NOT NULL,
            shingles BLOB NOT NULL, seen_at INTEGER NOT NULL, updates_article_id TEXT NULL, updates_version INTEGER NULL, PRIMARY KEY (article_id, version));
        CREATE INDEX IF NOT EXISTS story_shingles_seen_at ON story_shingles (seen_at);
        CREATE INDEX IF NOT EXISTS story_shingles_story ON story_shingles (story_id);
        CREATE TABLE IF NOT EXISTS story_alerts (alert_id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, story_id TEXT NOT NULL, sequence INTEGER NOT NULL,
            article_id TEXT NOT NULL, version INTEGER NOT NULL, severity TEXT NOT NULL, topics TEXT NOT NULL, raised_at TEXT NOT NULL,
            UNIQUE (subscription_id, story_id, sequence), UNIQUE (subscription_id, story_id, article_id, version));
        CREATE TABLE IF NOT EXISTS alert_deliveries (alert_id TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL, claim TEXT, claimed_at TEXT,
            finished_at TEXT, reason TEXT, detail TEXT, alert_json TEXT NOT NULL, PRIMARY KEY (alert_id, channel));
        CREATE TABLE IF NOT EXISTS disabled_channels (channel TEXT PRIMARY KEY, reason TEXT NOT NULL, disabled_at TEXT NOT NULL);
        INSERT INTO fetched_articles VALUES ('https://wire.example/a', 'id-a', 2, 'hash-2', '"e"', NULL, '2026-01-15T03:00:00.0000000Z');
        INSERT INTO story_shingles VALUES ('id-a', 1, 'id-a', 'N. Korea fires missiles', x'01000000', 1768446000000, NULL, NULL);
        INSERT INTO story_alerts VALUES ('desk:id-a', 'desk', 'id-a', 0, 'id-a', 1, 'medium', 'sanctions', '2026-01-15T03:00:00.0000000Z');
        INSERT INTO disabled_channels VALUES ('webhook:gone', 'gone', '2026-01-15T03:00:00.0000000Z');
        """;

    [Fact]
    public async Task A_database_from_the_previous_version_is_taken_over_with_its_rows()
    {
        var path = Path.Combine(TestPaths.TempFolder("old-state"), "wirewatch.db");
        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = PreviousVersionSchema;
            await create.ExecuteNonQueryAsync();
        }

        var database = new SqliteDatabase(path);
        var result = await database.MigrateAsync(default);

        result.Applied.Select(m => m.Version).ShouldContain(1, "the old tables are recorded as migration 1");
        (await new SqliteSeenStore(database).GetAsync("https://wire.example/a", default)).ShouldNotBeNull().Version.ShouldBe(2);
        (await new SqliteStoryStore(database).GetAsync("id-a", 1, default)).ShouldNotBeNull().StoryId.ShouldBe("id-a");
        var ledger = new SqliteAlertLedger(database);
        (await ledger.IsChannelDisabledAsync("webhook:gone", default)).ShouldBeTrue();
        var update = await ledger.RaiseAsync(new AlertRaisedBuilder().Version(2).Severity(Severities.High).Build(), default);
        update.ShouldNotBeNull().Alert.AlertId.ShouldBe("desk:id-a:u1", "the old ledger's first alert is still the story's first");
        (await new SqliteDatabase(path).MigrateAsync(default)).Applied.ShouldBeEmpty();
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationContract(PostgresCluster cluster) : MigrationContract
{
    protected override Task<StateLocation> NewLocationAsync() => PostgresLocation.NewAsync(cluster);

    [Fact]
    public async Task Three_starters_at_once_apply_each_migration_once()
    {
        var connectionString = await cluster.CreateDatabaseAsync("starters");
        var starters = Enumerable.Range(0, 3).Select(_ => new PostgresDatabase(connectionString)).ToList();

        var results = await Task.WhenAll(starters.Select(d => Task.Run(() => d.MigrateAsync(default))));

        results.Sum(r => r.Applied.Count).ShouldBe(results[0].Version, "each step applied by exactly one starter");
        results.Select(r => r.Version).Distinct().ShouldHaveSingleItem();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM schema_migrations", connection);
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(results[0].Version);
        foreach (var starter in starters)
        {
            await starter.DisposeAsync();
        }
    }
}

/// <summary>A candidate alert for the migrated old ledger's story.</summary>
internal sealed class AlertRaisedBuilder
{
    private int _version = 1;
    private string _severity = Severities.Medium;

    public AlertRaisedBuilder Version(int version)
    {
        _version = version;
        return this;
    }

    public AlertRaisedBuilder Severity(string severity)
    {
        _severity = severity;
        return this;
    }

    public Wirewatch.Contracts.AlertRaised Build() => new()
    {
        AlertId = "",
        SubscriptionId = "desk",
        Severity = _severity,
        Topics = [new Wirewatch.Contracts.AlertTopic { Topic = "sanctions", Score = 0.9 }],
        Headline = "N. Korea fires missiles",
        Url = "https://wire.example/a",
        Evidence = [],
        IsUpdate = false,
        ArticleId = "id-a",
        Version = _version,
        StoryId = "id-a",
        SourceId = "test",
        ProducedAt = Articles.FixedNow,
    };
}
