using Npgsql;
using Wirewatch.Tests.Shared.Postgres;

namespace Wirewatch.State.Tests;

/// <summary>The private cluster the PostgreSQL contract tests stand on: its own databases, loopback only, data kept across a restart.</summary>
public sealed class PostgresClusterTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task Each_created_database_starts_empty_and_apart()
    {
        var first = await cluster.CreateDatabaseAsync("fixture");
        var second = await cluster.CreateDatabaseAsync("fixture");
        await ExecuteAsync(first, "CREATE TABLE t (v int); INSERT INTO t VALUES (1)");

        (await ScalarAsync(second, "SELECT count(*) FROM pg_tables WHERE tablename = 't'")).ShouldBe(0L);
        (await ScalarAsync(first, "SELECT count(*) FROM t")).ShouldBe(1L);
    }

    [Fact]
    public async Task Listens_on_loopback_only()
    {
        (await ScalarAsync(cluster.ConnectionString, "SELECT current_setting('listen_addresses')")).ShouldBe("127.0.0.1");
    }

    [Fact]
    public async Task Rows_survive_a_stop_and_start_on_the_same_port()
    {
        var database = await cluster.CreateDatabaseAsync("restart");
        await ExecuteAsync(database, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        var port = cluster.Port;

        await cluster.StopAsync();
        await Should.ThrowAsync<NpgsqlException>(() => ScalarAsync(database, "SELECT 1"));
        await cluster.StartAsync();

        cluster.Port.ShouldBe(port);
        (await ScalarAsync(database, "SELECT v FROM kept")).ShouldBe(42);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
