using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RabbitMQ.Client;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.Worker.Cli;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// The per-role users of docs/operations.md ("A user per role, with the least permissions"), taken from the document
/// as written: the cleaner works with exactly its permissions and is refused what it does not need; the operator's user
/// lists and replays the cleaner's error queue. A change to the topology that needs more permissions fails here first.
/// </summary>
[Collection("rabbitmq")]
[Trait("Category", "Integration")]
public sealed partial class RolePermissionTests(RabbitMqNode node) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private const string ErrorQueue = WireNames.CleanerQueue + "_error";

    private readonly string _work = TestPaths.TempFolder("permissions");

    [Fact]
    public async Task The_cleaner_and_the_operator_work_with_only_their_documented_permissions()
    {
        var vhost = await node.CreateVirtualHostAsync("perms");
        var (cleaner, cleanerPassword) = await AddDocumentedUserAsync(vhost, "wirewatch-cleaner");
        var (operatorUser, operatorPassword) = await AddDocumentedUserAsync(vhost, "wirewatch-operator");
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        await probe.DeclareExchangeAsync(WireNames.ArticlesCleanedExchange, "fanout");
        var cleaned = await probe.BindPrivateQueueAsync(WireNames.ArticlesCleanedExchange, "");
        var settings = new Dictionary<string, string?> { ["Wirewatch:RabbitMq:Username"] = cleaner, ["Wirewatch:RabbitMq:Password"] = cleanerPassword };

        await using (await RoleHosts.StartAsync(node, vhost, _work, null, settings, RoleHosts.Cleaner))
        {
            var article = Articles.FromText(TestArticles.SanctionsFreeze, url: "https://wire.example/permissions/1");
            await probe.PublishJsonAsync(WireNames.ArticlesFetchedExchange, "", JsonSerializer.Serialize(article, WireJson.Options));
            var output = await probe.GetAsync(cleaned, Deadline, "the article, cleaned by a cleaner with only its documented permissions");
            JsonDocument.Parse(output.Body).RootElement.GetProperty("articleId").GetString().ShouldBe(article.ArticleId);

            // A failure needs the error queue and the fault exchanges: the permissions must cover them too.
            await probe.PublishJsonAsync(WireNames.ArticlesFetchedExchange, "", """{"articleId":"broken-permissions"}""");
            await Eventually.True(async () => await ErrorCountAsync(vhost) == 1, $"the unreadable message in {ErrorQueue}", Deadline);
        }

        // Least privilege: the cleaner's user may not publish alerts.
        var refused = await Should.ThrowAsync<Exception>(() => PublishAsync(vhost, cleaner, cleanerPassword, WireNames.AlertsExchange));
        refused.ToString().ShouldContain("ACCESS_REFUSED");

        var config = TestPaths.TempFile("operator-config.json", JsonSerializer.Serialize(new
        {
            Wirewatch = new
            {
                Transport = "RabbitMq",
                RabbitMq = new { Host = "127.0.0.1", Port = node.AmqpPort, VirtualHost = vhost, Username = operatorUser, Password = operatorPassword },
            },
        }));
        var (code, listed, stderr) = await CliAsync(config, "errors", "list", WireNames.CleanerQueue, "--json");
        code.ShouldBe(WirewatchCli.Success, stderr);
        listed.ShouldContain("broken-permissions");

        (code, var replayed, stderr) = await CliAsync(config, "errors", "replay", WireNames.CleanerQueue);
        code.ShouldBe(WirewatchCli.Success, stderr);
        replayed.ShouldContain("replayed 1 message(s)");
        await Eventually.True(async () => (await node.QueueColumnAsync(vhost, "messages")).GetValueOrDefault(WireNames.CleanerQueue) == 1,
            "the replayed message waiting in the cleaner's queue (its counts are refreshed every few seconds)", Deadline);
    }

    [Fact]
    public async Task The_alerter_publishes_to_both_alert_exchanges_with_only_its_documented_permissions()
    {
        var vhost = await node.CreateVirtualHostAsync("perms-alerter");
        var (alerter, password) = await AddDocumentedUserAsync(vhost, "wirewatch-alerter");
        var settings = new Dictionary<string, string?> { ["Wirewatch:RabbitMq:Username"] = alerter, ["Wirewatch:RabbitMq:Password"] = password };
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, null, settings, RoleHosts.Alerter);
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost);
        var byTopic = await probe.BindPrivateQueueAsync(WireNames.AlertsExchange, "sanctions.#");
        var bySubscription = await probe.BindPrivateQueueAsync(WireNames.AlertsBySubscriptionExchange,
            new Dictionary<string, object?> { ["x-match"] = "all", [WireHeaders.Subscription] = "sanctions-desk" });

        await probe.PublishJsonAsync(WireNames.ArticlesClassifiedExchange, "", """
            { "articleId": "perm-1", "version": 1, "storyId": "perm-1", "sourceId": "external-wire", "url": "https://wire.example/perm-1",
              "producedAt": "2025-03-03T01:45:00Z", "headline": "Customs agency blacklists tanker over sanctions breach", "flags": [],
              "topics": [ { "topic": "sanctions", "score": 0.9, "match": true, "evidence": [ { "term": "sanctions", "count": 2, "snippet": "A tanker was blacklisted." } ] } ],
              "entities": { "people": [], "organizations": [], "places": [], "resolutions": [] }, "classifierVersion": "external-1" }
            """);

        (await probe.GetAsync(byTopic, Deadline, "the alert on wirewatch.alerts")).RoutingKey.ShouldBe("sanctions.high");
        var routed = await probe.GetAsync(bySubscription, Deadline, "the alert on wirewatch.alerts.by-subscription");
        JsonDocument.Parse(routed.Body).RootElement.GetProperty("alertId").GetString().ShouldBe("sanctions-desk:perm-1");
    }

    /// <summary>Creates the user with the permissions of its <c>rabbitmqctl set_permissions</c> line in docs/operations.md.</summary>
    private async Task<(string User, string Password)> AddDocumentedUserAsync(string vhost, string documentedUser)
    {
        var docs = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "docs", "operations.md"));
        var line = docs.Split('\n').SingleOrDefault(l => l.StartsWith($"rabbitmqctl set_permissions -p wirewatch {documentedUser} ", StringComparison.Ordinal));
        line.ShouldNotBeNull($"docs/operations.md documents the permissions of {documentedUser}");
        var regexes = QuotedArgument().Matches(line).Select(m => m.Groups[1].Value).ToArray();
        regexes.Length.ShouldBe(3, $"configure, write and read in: {line}");

        var user = $"{documentedUser}-{Guid.NewGuid():N}"[..(documentedUser.Length + 9)];
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await node.CtlAsync("add_user", user, password);
        await node.CtlAsync(["set_permissions", "-p", vhost, user, .. regexes]);
        return (user, password);
    }

    private async Task PublishAsync(string vhost, string user, string password, string exchange)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = node.AmqpPort, VirtualHost = vhost, UserName = user, Password = password };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.BasicPublishAsync(exchange, "sanctions.high", mandatory: false, new BasicProperties(), Encoding.UTF8.GetBytes("{}"));
        await channel.CloseAsync(); // A refusal closes the channel; if the publish raced it, closing reports it.
    }

    private async Task<long> ErrorCountAsync(string vhost) =>
        (await node.QueueColumnAsync(vhost, "messages")).GetValueOrDefault(ErrorQueue);

    private static async Task<(int Code, string Stdout, string Stderr)> CliAsync(string config, params string[] args)
    {
        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var code = await WirewatchCli.InvokeAsync([.. args, "--config", config], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedArgument();

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
