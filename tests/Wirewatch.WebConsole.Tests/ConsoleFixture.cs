using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Wirewatch.Alerting;
using Wirewatch.ArticleStore;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.State.Sqlite;
using Wirewatch.Tests.Shared;
using Wirewatch.Worker.Cli;

namespace Wirewatch.WebConsole.Tests;

/// <summary>
/// The seeds run once through the whole pipeline into a data folder (as <c>wirewatch once --data-dir</c> does), plus a
/// hostile article, a dead letter and a broken source written beside them; then <c>wirewatch run</c> with the console
/// and alerter roles serves that folder on a free loopback port.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string OperatorToken = "operator-token-0123456789abcdef";
    public const string SubscriberToken = "subscriber-token-0123456789abcdef";
    public const string HostileArticleId = "hostile-article";
    public const string DeadLetterAlertId = "sanctions-desk:dead-letter-story";
    public const string RetriedAlertId = "sanctions-desk:retried-story";

    private WebApplication? _app;
    private ConsoleApiFactory? _factory;

    public string DataDir { get; } = TestPaths.TempFolder("console");
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");
    public string OnceOutput { get; private set; } = "";

    /// <summary>The same worker and data folder through WebApplicationFactory (an in-memory TestServer), for the API tests.</summary>
    internal ConsoleApiFactory Api => _factory ?? throw new InvalidOperationException("The fixture did not start: no seeds.");

    public async Task InitializeAsync()
    {
        if (!TestPaths.HasSeeds)
        {
            return;
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await WirewatchCli.InvokeAsync(["once", "--source", TestPaths.SeedsFolder, "--data-dir", DataDir, "--json"], stdout, stderr);
        exit.ShouldBe(0, stderr.ToString());
        OnceOutput = stdout.ToString();

        var database = new SqliteDatabase(Path.Combine(DataDir, "wirewatch.db"));
        await AddHostileArticleAsync(new SqliteArticleStore(database, TimeProvider.System));
        await AddDeadLetterAsync(new SqliteAlertLedger(database));
        await AddRetriedAsync(new SqliteAlertLedger(database));
        await new SqliteSourceStatusStore(database).RecordAsync(new SourceStatus("yonhap-nk", TimeProvider.System.GetUtcNow(), "http-503", 0, 3, Broken: true), default);

        var config = ConfigFile("console,alerter", DataDir);
        _app = RunCommand.Build(config);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        _factory = new ConsoleApiFactory(config);
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalizing connection; the temp folder is cleaned by the OS.
        }
    }

    private static string Json(string text) => System.Text.Json.JsonEncodedText.Encode(text).ToString();

    /// <summary>A worker configuration running <paramref name="roles"/> on loopback over <paramref name="dataDir"/>, with both console tokens.</summary>
    public static string ConfigFile(string roles, string dataDir) => TestPaths.TempFile($"{roles.Replace(',', '-')}-config.json", $$"""
        {
          "Urls": "http://127.0.0.1:0",
          "Wirewatch": {
            "Roles": "{{roles}}",
            "DataDir": "{{Json(dataDir)}}",
            "Alerts": { "ReplayPollInterval": "00:00:00.200" },
            "Console": {
              "OperatorTokenFile": "{{Json(TestPaths.TempFile("operator.token", OperatorToken + "\n"))}}",
              "SubscriberTokenFile": "{{Json(TestPaths.TempFile("subscriber.token", SubscriberToken + "\n"))}}"
            }
          }
        }
        """);

    /// <summary>A medium sanctions alert of its own story, as the alerter raises it.</summary>
    private static AlertRaised SanctionsAlert(string alertId, string story, string headline, string url, double score) => new()
    {
        AlertId = alertId, SubscriptionId = "sanctions-desk", Severity = "medium", Topics = [new AlertTopic { Topic = "sanctions", Score = score }],
        Headline = headline, Url = url, Evidence = [], IsUpdate = false,
        ArticleId = story.Replace("-story", "-article", StringComparison.Ordinal), Version = 1, StoryId = story, SourceId = "test", ProducedAt = TimeProvider.System.GetUtcNow(),
    };

    /// <summary>An article whose text tries to run script: the page must show it as text.</summary>
    private static async Task AddHostileArticleAsync(SqliteArticleStore store)
    {
        const string headline = "Sanctions <script>document.title='pwned'</script> probe";
        string[] paragraphs = ["Officials said <img src=x onerror=\"document.title='pwned'\"> the sanctions <b>hold</b>.", "A second paragraph about sanctions."];
        await store.RecordCleanedAsync(new ArticleCleaned
        {
            ArticleId = HostileArticleId, Version = 1, SourceId = "hostile", Url = "javascript:alert(1)", ProducedAt = TimeProvider.System.GetUtcNow(),
            Headline = headline, Flags = [], Paragraphs = paragraphs, Language = "en", WordCount = 12, Warnings = [],
        }, default);
        await store.RecordClassifiedAsync(new ArticleClassified
        {
            ArticleId = HostileArticleId, Version = 1, SourceId = "hostile", Url = "javascript:alert(1)", ProducedAt = TimeProvider.System.GetUtcNow(),
            Headline = headline, Summary = paragraphs[0],
            Topics = [new TopicScore { Topic = "sanctions", Score = 0.4, Match = true, Evidence = [new Evidence { Term = "sanctions", Count = 2, Snippet = paragraphs[0] }] }],
            Entities = new Entities(), ClassifierVersion = "test",
        }, default);
    }

    /// <summary>An alert whose webhook delivery failed for good: the operator's replay button appears for it.</summary>
    private static async Task AddDeadLetterAsync(SqliteAlertLedger ledger)
    {
        var raised = await ledger.RaiseAsync(SanctionsAlert(DeadLetterAlertId, "dead-letter-story", "Dead-lettered sanctions alert", "https://wire.example/dead", 0.75), default);
        await ledger.DeliverOnceAsync(raised!.Alert, "webhook:https://hooks.example/gone", _ => Task.FromResult(ChannelResult.Failed("rejected", "HTTP 400")), default);
    }

    /// <summary>An alert whose webhook delivery threw once (the message was redelivered) and then got through.</summary>
    private static async Task AddRetriedAsync(SqliteAlertLedger ledger)
    {
        var raised = await ledger.RaiseAsync(SanctionsAlert(RetriedAlertId, "retried-story", "Retried sanctions alert", "https://wire.example/retried", 0.72), default);
        await Should.ThrowAsync<HttpRequestException>(() => ledger.DeliverOnceAsync(raised!.Alert, "webhook:https://hooks.example/flaky",
            _ => throw new HttpRequestException("Connection reset by peer"), default));
        await ledger.DeliverOnceAsync(raised!.Alert, "webhook:https://hooks.example/flaky", _ => Task.FromResult(ChannelResult.Delivered), default);
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
