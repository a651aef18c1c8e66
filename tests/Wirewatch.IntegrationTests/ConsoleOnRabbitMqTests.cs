using Microsoft.Extensions.DependencyInjection;
using Wirewatch.ArticleStore;
using Wirewatch.Fetching;
using Wirewatch.Hosting;
using Wirewatch.Tests.Shared;
using Wirewatch.WebConsole.Queues;
using Wirewatch.Worker.Composition;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// The console role as a deployment of its own on a real broker: its three queues bind to the public exchanges (the
/// alerts exchange declared with its alternate exchange, or the broker would refuse it), it records the article and
/// its alert, and it reads queue depths by passive declaration.
/// </summary>
[Collection("rabbitmq")]
[Trait("Category", "Integration")]
public sealed class ConsoleOnRabbitMqTests(RabbitMqNode node) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("wirewatch-it-console-").FullName;

    [Fact]
    public async Task Console_role_records_the_article_and_its_alert_and_reads_queue_depths()
    {
        var vhost = await node.CreateVirtualHostAsync("console");
        var folder = Directory.CreateDirectory(Path.Combine(_work, "wire")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "001-sanctions.txt"), TestArticles.SanctionsFreeze);
        var source = new SourceDefinition { Id = "test-wire", Kind = SourceKinds.Directory, Path = folder };
        await using var roles = await RoleHosts.StartAsync(node, vhost, _work, new SourceCatalog([source]), [.. RoleHosts.AllRoles, "console"]);

        var cycle = await roles.RunFetchCycleAsync(source);
        var articleId = cycle.Published.ShouldHaveSingleItem().ArticleId;

        var store = roles["console"].Services.GetRequiredService<IArticleStore>();
        await Eventually.True(async () => (await store.AlertsAsync("sanctions-desk", articleId, 10, default)).Count == 1
                                          && (await store.VersionsAsync(articleId, default)) is [{ Paragraphs.Count: > 0, Topics.Count: > 0 }],
            "the console's store holds the cleaned and classified article and its sanctions alert", TimeSpan.FromSeconds(60));
        (await store.SearchAsync(new ArticleQuery("coal"), default)).Select(a => a.ArticleId).ShouldBe([articleId]);

        var depths = await ConsoleComposition.QueueDepths(new RabbitMqOptions
        {
            Host = "127.0.0.1", Port = node.AmqpPort, VirtualHost = vhost,
        }).ReadAsync(default);
        depths.ShouldNotBeNull();
        depths.Single(d => d.Queue == "wirewatch-console-alerts").Messages.ShouldNotBeNull("the queue exists and was measured");
        depths.Single(d => d.Queue == "wirewatch-cleaner").Messages.ShouldNotBeNull();
        depths.Single(d => d.Queue == "wirewatch-cleaner_error").Problem.ShouldBe("no such queue (yet)");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A store still closing; the temp folder is the OS's to clean.
        }
    }
}
