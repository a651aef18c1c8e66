using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Wirewatch.Tests.Shared;

namespace Wirewatch.State.Tests;

/// <summary><c>Wirewatch:State</c>: checked at start, with messages that name the key and never the secret.</summary>
public sealed class StateLocationTests
{
    private static StateLocation Read(params (string Key, string? Value)[] settings) =>
        StateLocation.Read(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(), "data");

    [Fact]
    public void SQLite_under_the_data_directory_is_the_default()
    {
        var location = Read();

        location.IsPostgres.ShouldBeFalse();
        location.ToString().ShouldBe($"Sqlite({Path.GetFullPath(Path.Combine("data", "wirewatch.db"))})");
    }

    [Theory]
    [InlineData("Postgres", null, null, "Wirewatch:State:ConnectionString (or ConnectionStringFile) is required")]
    [InlineData("Postgres", "Host=db;Password=hunter2", "/nowhere", "are both set")]
    [InlineData("Postgres", null, "/nowhere/state-connection", "Wirewatch:State:ConnectionStringFile: cannot read '/nowhere/state-connection'")]
    [InlineData("Postgres", "Host=db;Pasword=hunter2", null, "Wirewatch:State:ConnectionString is not a valid PostgreSQL connection string")]
    [InlineData("Sqlite", "Host=db;Password=hunter2", null, "apply only with Wirewatch:State:Provider=Postgres")]
    [InlineData("Oracle", null, null, "Wirewatch:State:Provider must be 'Sqlite' or 'Postgres' (was 'Oracle')")]
    public void A_wrong_setting_stops_the_start_naming_the_key_and_never_the_password(string provider, string? connectionString, string? file, string message)
    {
        var failure = Should.Throw<OptionsValidationException>(() => Read(
            ("Wirewatch:State:Provider", provider), ("Wirewatch:State:ConnectionString", connectionString), ("Wirewatch:State:ConnectionStringFile", file)));

        failure.Message.ShouldContain(message);
        failure.Message.ShouldNotContain("hunter2");
    }

    [Fact]
    public void The_connection_string_comes_from_a_mounted_secret_file_and_is_never_shown()
    {
        var file = TestPaths.TempFile("state-connection", "Host=db.internal;Port=5433;Database=wirewatch;Username=ww;Password=hunter2\n");

        var location = Read(("Wirewatch:State:Provider", "Postgres"), ("Wirewatch:State:ConnectionStringFile", file));

        location.IsPostgres.ShouldBeTrue();
        location.ToString().ShouldBe("Postgres(db.internal:5433/wirewatch)");
        new Wirewatch.State.Postgres.PostgresDatabase(new Npgsql.NpgsqlConnectionStringBuilder("Host=db.internal;Port=5433;Database=wirewatch;Username=ww;Password=hunter2").ConnectionString)
            .Description.ShouldNotContain("hunter2");
    }
}
