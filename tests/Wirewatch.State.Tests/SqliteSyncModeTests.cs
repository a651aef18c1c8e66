using System.Globalization;
using Microsoft.Data.Sqlite;
using Wirewatch.State.Sqlite;

namespace Wirewatch.State.Tests;

/// <summary>
/// <c>synchronous</c> is a property of the native connection, which the pool hands out again: a connection relaxed for
/// the story store must be back to a full sync when the alert ledger gets it.
/// </summary>
public sealed class SqliteSyncModeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wirewatch-sync-mode-").FullName;

    [Fact]
    public void A_pooled_connection_relaxed_once_is_full_again_for_a_durable_store()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "state.db"));

        long relaxed, full, relaxedAgain;
        using (var connection = database.Open(relaxedSync: true))
        {
            relaxed = Synchronous(connection);
        }

        using (var connection = database.Open())
        {
            full = Synchronous(connection);
        }

        using (var connection = database.Open(relaxedSync: true))
        {
            relaxedAgain = Synchronous(connection);
        }

        relaxed.ShouldBe(1, "NORMAL");
        full.ShouldBe(2, "FULL: the same pooled native connection, set back");
        relaxedAgain.ShouldBe(1);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static long Synchronous(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
