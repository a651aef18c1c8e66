using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wirewatch.ArticleStore;
using Wirewatch.Contracts;
using Wirewatch.State;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Postgres;
using Wirewatch.Worker.Cli;

namespace Wirewatch.Worker.Tests;

/// <summary><c>wirewatch run</c> with <c>Wirewatch:State:Provider=Postgres</c>: an empty database gets its schema, a second start migrates nothing.</summary>
public sealed class RunOnPostgresTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task The_worker_creates_its_schema_in_an_empty_database_and_a_second_start_migrates_nothing()
    {
        var connectionString = await cluster.CreateDatabaseAsync("run");
        var dataDir = TestPaths.TempFolder("run-pg");
        var secret = Path.Combine(dataDir, "state-connection");
        File.WriteAllText(secret, connectionString + "\n"); // as a mounted secret
        var config = Path.Combine(dataDir, "settings.json");
        File.WriteAllText(config, $$"""
            { "Urls": "http://127.0.0.1:0",
              "Wirewatch": { "DataDir": "{{dataDir}}", "Roles": "cleaner,classifier,alerter",
                             "State": { "Provider": "Postgres", "ConnectionStringFile": "{{secret}}" } } }
            """);

        // The second worker starts while the first runs, as a replica would. Without the fetcher role: Quartz 3's log
        // provider is process-wide, and a scheduler built after another host was disposed logs through that host's
        // disposed factory (RunCommandTests has the fetcher's own run; the seen store's contract tests run on PostgreSQL).
        await using var first = RunCommand.Build(config);
        var alerts = new ConcurrentBag<AlertRaised>();
        await first.StartAsync();
        (await first.Services.GetRequiredService<IStateDatabase>().MigrateAsync(default)).Applied.ShouldNotBeEmpty("the empty database got the schema at start");
        using (first.Services.GetRequiredService<IBus>().ConnectPublishObserver(new AlertCollector(alerts)))
        {
            await first.Services.GetRequiredService<IBus>().Publish(Articles.FromFile(Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt")));
            await Eventually.True(() => alerts.Any(a => a.SubscriptionId == "sanctions-desk"), "the sanctions alert");
        }

        (await CountAsync(connectionString, "SELECT count(*) FROM story_alerts WHERE subscription_id = 'sanctions-desk'")).ShouldBe(1, "the ledger is in PostgreSQL");
        (await CountAsync(connectionString, "SELECT count(*) FROM story_shingles")).ShouldBe(1);
        var migrations = await CountAsync(connectionString, "SELECT count(*) FROM schema_migrations");

        await using var second = RunCommand.Build(config);
        await second.StartAsync();
        (await second.Services.GetRequiredService<IStateDatabase>().MigrateAsync(default)).Applied.ShouldBeEmpty();
        await second.StopAsync();
        await first.StopAsync();

        (await CountAsync(connectionString, "SELECT count(*) FROM schema_migrations")).ShouldBe(migrations);
        File.Exists(Path.Combine(dataDir, "wirewatch.db")).ShouldBeFalse("nothing kept in SQLite");
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_stops_the_start_naming_the_key()
    {
        var dataDir = TestPaths.TempFolder("run-pg-bad");
        var config = Path.Combine(dataDir, "settings.json");
        File.WriteAllText(config, $$"""{ "Wirewatch": { "DataDir": "{{dataDir}}", "State": { "Provider": "Postgres" } } }""");

        var (exit, _, err) = await Cli.RunAsync("run", "--config", config);

        exit.ShouldBe(2);
        err.ShouldContain("Wirewatch:State:ConnectionString");
    }

    [Fact]
    public async Task The_console_on_postgres_records_the_article_and_finds_it_by_full_text_search()
    {
        var connectionString = await cluster.CreateDatabaseAsync("console");
        var dataDir = TestPaths.TempFolder("run-pg-console");
        var config = Path.Combine(dataDir, "settings.json");
        File.WriteAllText(config, $$"""
            { "Urls": "http://127.0.0.1:0",
              "Wirewatch": { "DataDir": "{{dataDir}}", "Roles": "cleaner,classifier,alerter,console",
                             "State": { "Provider": "Postgres", "ConnectionString": "{{connectionString}}" } } }
            """);

        await using var app = RunCommand.Build(config);
        await app.StartAsync();
        var article = Articles.FromFile(Path.Combine(TestPaths.SamplesFolder, "001-sanctions-oil-transfers.txt"));
        await app.Services.GetRequiredService<IBus>().Publish(article);
        var store = app.Services.GetRequiredService<IArticleStore>();
        await Eventually.True(async () => (await store.VersionsAsync(article.ArticleId, default)) is [{ Paragraphs.Count: > 0, Topics.Count: > 0 }],
            "the console's store holds the cleaned and classified article");
        await app.StopAsync();

        (await CountAsync(connectionString, "SELECT count(*) FROM console_articles WHERE search @@ plainto_tsquery('english', 'oil transfers')")).ShouldBe(1,
            "the article is in PostgreSQL, found by its tsvector");
        File.Exists(Path.Combine(dataDir, "wirewatch.db")).ShouldBeFalse("nothing kept in SQLite");
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class AlertCollector(ConcurrentBag<AlertRaised> alerts) : IPublishObserver
    {
        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is AlertRaised alert)
            {
                alerts.Add(alert);
            }

            return Task.CompletedTask;
        }

        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
