using System.Globalization;
using System.Text.Json;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.Worker.Cli;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// <c>wirewatch errors list|replay</c> against a real broker: a message the cleaner cannot read lands in
/// <c>wirewatch-cleaner_error</c> with its exception, listing moves nothing, and a replay puts messages back into the
/// cleaner's queue, where the readable one is cleaned and the unreadable one fails again.
/// </summary>
[Collection("rabbitmq")]
[Trait("Category", "Integration")]
public sealed class ErrorQueueTests(RabbitMqNode node) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private const string ErrorQueue = WireNames.CleanerQueue + "_error";

    private readonly string _work = Directory.CreateTempSubdirectory("wirewatch-errors-").FullName;

    [Fact]
    public async Task A_malformed_message_is_listed_with_its_exception_and_replay_returns_messages_to_the_cleaner()
    {
        var vhost = await node.CreateVirtualHostAsync("errors");
        var config = TestPaths.TempFile("errors-config.json", JsonSerializer.Serialize(new
        {
            Wirewatch = new { Transport = "RabbitMq", RabbitMq = new { Host = "127.0.0.1", Port = node.AmqpPort, VirtualHost = vhost } },
        }));
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        await probe.DeclareExchangeAsync(WireNames.ArticlesCleanedExchange, "fanout");
        var cleaned = await probe.BindPrivateQueueAsync(WireNames.ArticlesCleanedExchange, "");
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, null, RoleHosts.Cleaner);

        // Valid JSON that is not an ArticleFetched (its required fields are missing): the cleaner cannot consume it.
        await probe.PublishJsonAsync(WireNames.ArticlesFetchedExchange, "", """{"articleId":"broken-1","note":"no content"}""");
        await Eventually.True(async () => await ErrorCountAsync(vhost) == 1, $"one message in {ErrorQueue}", Deadline);

        var (listed, _) = await CliAsync(config, "errors", "list", WireNames.CleanerQueue, "--json");
        var lines = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var error = lines.Single(l => l.GetProperty("type").GetString() == "error").GetProperty("message");
        error.GetProperty("articleId").GetString().ShouldBe("broken-1");
        error.GetProperty("exceptionType").GetString().ShouldNotBeNullOrWhiteSpace(listed);
        lines.Single(l => l.GetProperty("type").GetString() == "summary").GetProperty("total").GetInt32().ShouldBe(1);
        (await ErrorCountAsync(vhost)).ShouldBe(1, "listing leaves the messages where they are");

        // An article that failed while, say, a dependency was down: sitting in the error queue, readable now.
        var article = Articles.FromText(TestArticles.SanctionsFreeze, url: "https://wire.example/replayed/1");
        await probe.PublishJsonAsync("", ErrorQueue, JsonSerializer.Serialize(article, WireJson.Options));
        await Eventually.True(async () => await ErrorCountAsync(vhost) == 2, $"two messages in {ErrorQueue}", Deadline);

        var (replayed, _) = await CliAsync(config, "errors", "replay", WireNames.CleanerQueue);

        replayed.ShouldContain("replayed 2 message(s)");
        var output = await probe.GetAsync(cleaned, Deadline, "the replayed article, cleaned");
        JsonDocument.Parse(output.Body).RootElement.GetProperty("articleId").GetString().ShouldBe(article.ArticleId);
        await Eventually.True(async () => await ErrorCountAsync(vhost) == 1, "the unreadable message back in the error queue", Deadline);
    }

    [Fact]
    public async Task Listing_a_queue_that_does_not_exist_is_a_configuration_error()
    {
        var vhost = await node.CreateVirtualHostAsync("noqueue");
        var config = TestPaths.TempFile("errors-config.json", JsonSerializer.Serialize(new
        {
            Wirewatch = new { Transport = "RabbitMq", RabbitMq = new { Host = "127.0.0.1", Port = node.AmqpPort, VirtualHost = vhost } },
        }));
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await WirewatchCli.InvokeAsync(["errors", "list", "wirewatch-nothing", "--config", config], stdout, stderr);

        code.ShouldBe(WirewatchCli.BadInput, stderr.ToString());
        stderr.ToString().ShouldContain("wirewatch-nothing_error");
    }

    private async Task<long> ErrorCountAsync(string vhost) =>
        (await node.QueueColumnAsync(vhost, "messages")).GetValueOrDefault(ErrorQueue);

    private static async Task<(string Stdout, string Stderr)> CliAsync(string config, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await WirewatchCli.InvokeAsync([.. args, "--config", config], stdout, stderr);
        code.ShouldBe(WirewatchCli.Success, $"wirewatch {string.Join(' ', args)}: {stderr}");
        return (stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // SQLite files of a host that is still closing; the temporary folder is cleaned by the system.
        }
    }
}
