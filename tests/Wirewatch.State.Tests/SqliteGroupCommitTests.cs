using System.Globalization;
using Microsoft.Data.Sqlite;
using Wirewatch.State.Sqlite;

namespace Wirewatch.State.Tests;

/// <summary>
/// <see cref="SqliteDatabase.WriteAsync{T}"/>: writes that arrive together share one transaction and commit, yet each
/// behaves as if it ran alone: it sees the writes before it, and a write that fails takes nothing else with it.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wirewatch-group-commit-").FullName;

    [Fact]
    public async Task Concurrent_writes_are_all_durable_and_each_sees_the_ones_before_it()
    {
        var database = NewDatabase();

        // Each write reads the count so far and stores it: serial execution gives 0..49, each exactly once.
        var writes = Enumerable.Range(0, 50).Select(_ => Task.Run(() => database.WriteAsync(async (connection, transaction, ct) =>
        {
            var seen = await ScalarAsync(connection, transaction, "SELECT COUNT(*) FROM notes", ct);
            await ExecuteAsync(connection, transaction, $"INSERT INTO notes (id, seen) VALUES ('{Guid.NewGuid():N}', {seen})", ct);
            return seen;
        }, CancellationToken.None))).ToArray();
        var results = await Task.WhenAll(writes);

        results.Order().ShouldBe(Enumerable.Range(0, 50).Select(i => (long)i));
        (await CountAsync(NewDatabase())).ShouldBe(50, "every write was committed, as a fresh connection to the file sees");
    }

    [Fact]
    public async Task A_failing_write_fails_alone_and_its_batch_commits()
    {
        var database = NewDatabase();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first write holds its commit open, so the next three queue up and go together in one batch.
        var first = database.WriteAsync(async (connection, transaction, ct) =>
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO notes (id, seen) VALUES ('first', 0)", ct);
            holding.SetResult();
            await release.Task;
        }, CancellationToken.None);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var before = database.WriteAsync((c, t, ct) => ExecuteAsync(c, t, "INSERT INTO notes (id, seen) VALUES ('before', 1)", ct), CancellationToken.None);
        var failing = database.WriteAsync(async (c, t, ct) =>
        {
            await ExecuteAsync(c, t, "INSERT INTO notes (id, seen) VALUES ('half-done', 2)", ct);
            await ExecuteAsync(c, t, "INSERT INTO notes (id, seen) VALUES ('first', 2)", ct); // primary key taken
        }, CancellationToken.None);
        var after = database.WriteAsync((c, t, ct) => ExecuteAsync(c, t, "INSERT INTO notes (id, seen) VALUES ('after', 3)", ct), CancellationToken.None);
        release.SetResult();

        await first;
        await before;
        await after;
        (await Should.ThrowAsync<SqliteException>(failing)).SqliteErrorCode.ShouldBe(19); // SQLITE_CONSTRAINT
        var ids = await IdsAsync(NewDatabase());
        ids.ShouldBe(["after", "before", "first"], "the failed write's first insert was rolled back with it, and only it");
    }

    [Fact]
    public async Task A_write_cancelled_before_it_started_is_not_written()
    {
        var database = NewDatabase();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = database.WriteAsync(async (connection, transaction, ct) =>
        {
            holding.SetResult();
            await release.Task;
        }, CancellationToken.None);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var cancel = new CancellationTokenSource();
        var cancelled = database.WriteAsync((c, t, ct) => ExecuteAsync(c, t, "INSERT INTO notes (id, seen) VALUES ('cancelled', 0)", ct), cancel.Token);
        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(cancelled);
        release.SetResult();
        await first;
        await database.WriteAsync((c, t, ct) => ExecuteAsync(c, t, "INSERT INTO notes (id, seen) VALUES ('later', 0)", ct), CancellationToken.None);

        (await IdsAsync(NewDatabase())).ShouldBe(["later"]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private SqliteDatabase NewDatabase() => new(Path.Combine(_folder, "state.db"),
        [new Migration(1, "notes", "CREATE TABLE notes (id TEXT PRIMARY KEY, seen INTEGER NOT NULL)")]);

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task<long> CountAsync(SqliteDatabase database)
    {
        await using var connection = database.Open();
        return await ScalarAsync(connection, null, "SELECT COUNT(*) FROM notes", default);
    }

    private static async Task<List<string>> IdsAsync(SqliteDatabase database)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM notes ORDER BY id";
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
