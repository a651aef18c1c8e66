using System.Globalization;
using System.Text;
using RabbitMQ.Client;
using Wirewatch.Contracts;
using Wirewatch.IntegrationTests;
using Wirewatch.Tests.Shared;
using Xunit.Abstractions;

namespace Wirewatch.FaultTests;

/// <summary>
/// The fault suite: each case pushes a load of synthetic articles through the four roles as separate processes,
/// injects its fault mid-flow, and ends with a ledger line. Every case must end with lost = 0 (every article classified
/// or visibly rejected), duplicated = 0 (no alert id in two messages) and alerts raised.
/// The article count is <c>WIREWATCH_FAULT_ARTICLES</c> (default 150, the CI subset; docs/reliability.md has a full run).
/// With <c>WIREWATCH_FAULT_REPORT=FILE</c>, each ledger line is appended to FILE as well.
/// </summary>
[Collection("rabbitmq")]
[Trait("Category", "Fault")]
public sealed class FaultSuiteTests(RabbitMqNode node, ITestOutputHelper output)
{
    private static readonly TimeSpan FlowDeadline = TimeSpan.FromMinutes(5);

    private static int ArticleCount =>
        int.TryParse(Environment.GetEnvironmentVariable("WIREWATCH_FAULT_ARTICLES"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 150;

    [Fact]
    public async Task Broker_application_restarted_three_times_mid_flow_loses_and_doubles_nothing()
    {
        await using var run = await FaultRun.StartAsync(node, "broker-restart", ArticleCount);

        for (var i = 1; i <= 3; i++)
        {
            await run.WaitForProcessedAsync(ArticleCount * i / 5, FlowDeadline);
            await node.CtlAsync("stop_app");
            await Task.Delay(TimeSpan.FromSeconds(2)); // The outage itself: two seconds without a broker.
            await node.CtlAsync("start_app");
        }

        await AssertCleanAsync(run);
    }

    [Fact]
    public async Task All_connections_closed_by_the_broker_three_times_mid_flow_loses_and_doubles_nothing()
    {
        await using var run = await FaultRun.StartAsync(node, "connections-closed", ArticleCount);

        for (var i = 1; i <= 3; i++)
        {
            await run.WaitForProcessedAsync(ArticleCount * i / 5, FlowDeadline);
            await node.CtlAsync("close_all_connections", "-p", run.VirtualHost, "fault suite: connection closed on purpose");
        }

        await AssertCleanAsync(run);
    }

    [Fact]
    public async Task A_cleaner_stopped_with_sigterm_mid_flow_hands_back_its_messages_and_a_new_one_finishes()
    {
        await using var run = await FaultRun.StartAsync(node, "sigterm-cleaner", ArticleCount);

        await run.WaitForProcessedAsync(ArticleCount / 5, FlowDeadline);
        var cleaner = run.Role("cleaner");
        await cleaner.SignalAsync("TERM");
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(40)))
        {
            await cleaner.WaitForExitAsync(exit.Token); // Within the 20 s stop timeout, well inside a container's grace period.
        }

        await run.StartReplacementAsync("cleaner");

        var ledger = await AssertCleanAsync(run);
        (await ErrorMessagesAsync(run, WireNames.CleanerQueue)).ShouldBe(0, $"a graceful stop requeues, it never fails messages: {ledger}");
    }

    [Fact]
    public async Task A_message_that_throws_goes_to_the_error_queue_and_the_flow_goes_on()
    {
        await using var run = await FaultRun.StartAsync(node, "poison-throws", ArticleCount);
        await run.WaitForProcessedAsync(ArticleCount / 5, FlowDeadline);

        await PublishAsync(run, WireNames.ArticlesFetchedExchange, """{"articleId":"poison-1","note":"not an article"}""", headers: null);

        await AssertCleanAsync(run);
        await Eventually.True(async () => await ErrorMessagesAsync(run, WireNames.CleanerQueue) == 1, "the poison message in wirewatch-cleaner_error", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_message_returned_more_times_than_the_delivery_limit_goes_to_the_error_queue_unprocessed()
    {
        await using var run = await FaultRun.StartAsync(node, "delivery-limit", 10);
        await run.WaitForProcessedAsync(10, FlowDeadline);

        // What a message that crashed its consumer five times looks like on a quorum queue: x-delivery-count 5.
        var article = Articles.FromText("SEOUL, March 3 (Yonhap) -- A story that crashed its consumer five times.", url: "https://wire.example/crashes/1");
        await PublishAsync(run, WireNames.ArticlesFetchedExchange, System.Text.Json.JsonSerializer.Serialize(article, WireJson.Options),
            new Dictionary<string, object?> { ["x-delivery-count"] = 5L });

        await Eventually.True(async () => await ErrorMessagesAsync(run, WireNames.CleanerQueue) == 1, "the message in wirewatch-cleaner_error", TimeSpan.FromSeconds(60));
        var queues = await node.CtlAsync("list_queues", "-p", run.VirtualHost, "name", "type", "arguments", "--no-table-headers");
        queues.ShouldContain(WireNames.CleanerQueue + "\tquorum", Case.Sensitive, queues);
        queues.ShouldContain("x-delivery-limit", Case.Sensitive, queues);
    }

    [Fact]
    public async Task Readiness_goes_unhealthy_while_the_broker_is_away_and_healthy_again_after()
    {
        await using var run = await FaultRun.StartAsync(node, "health", 10);
        await run.WaitForProcessedAsync(10, FlowDeadline);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var cleaner = run.Role("cleaner");
        var ready = new Uri(cleaner.BaseAddress, "/health/ready");
        var live = new Uri(cleaner.BaseAddress, "/health/live");
        (await StatusAsync(http, ready)).ShouldBe(200);

        await node.CtlAsync("stop_app");
        try
        {
            var seen = 0;
            await Eventually.True(async () => (seen = await StatusAsync(http, ready)) == 503, "/health/ready answering 503 without a broker", TimeSpan.FromSeconds(60),
                () => $"last status {seen}: {LastBody}");
            (await StatusAsync(http, live)).ShouldBe(200, "the process itself is fine: liveness must not restart it for a broker outage");
        }
        finally
        {
            await node.CtlAsync("start_app");
        }

        await Eventually.True(async () => await StatusAsync(http, ready) == 200, "/health/ready healthy again once the broker is back", TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task A_broker_password_never_appears_in_the_logs_even_when_it_is_refused()
    {
        const string secret = "pw-7f3c9b1e-never-print";
        var vhost = await node.CreateVirtualHostAsync("secrets");
        var folder = TestPaths.TempFolder("secrets");
        await using var worker = Tests.Shared.Load.WorkerProcess.Start(
            Tests.Shared.Load.WorkerProcess.LocateWorker(), "cleaner", node.AmqpPort, vhost, folder, null, 2,
            new Dictionary<string, string>
            {
                ["Wirewatch__RabbitMq__Username"] = "nobody",
                ["Wirewatch__RabbitMq__Password"] = secret,
                ["Logging__LogLevel__Default"] = "Debug",
            });

        // The broker refuses the login; the worker logs that it cannot connect, and keeps trying.
        await Eventually.True(() => worker.Logs().Contains("nobody", StringComparison.Ordinal) || worker.Logs().Contains("ACCESS_REFUSED", StringComparison.OrdinalIgnoreCase) || worker.Logs().Contains("RabbitMQ", StringComparison.Ordinal),
            "a log line about the refused connection", TimeSpan.FromSeconds(60), () => worker.Logs());

        worker.Logs().ShouldNotContain(secret);
    }

    private static string LastBody = "";

    private static async Task<int> StatusAsync(HttpClient http, Uri url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            LastBody = await response.Content.ReadAsStringAsync();
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private async Task<Ledger> AssertCleanAsync(FaultRun run)
    {
        var ledger = await run.FinishAsync(FlowDeadline);
        output.WriteLine(ledger.ToString());
        if (Environment.GetEnvironmentVariable("WIREWATCH_FAULT_REPORT") is { Length: > 0 } report)
        {
            await File.AppendAllTextAsync(report, ledger + Environment.NewLine, Encoding.UTF8);
        }

        ledger.Lost.ShouldBe(0, $"{ledger}{Environment.NewLine}{run.Diagnostics()}");
        ledger.Alerted.ShouldBeGreaterThan(ledger.Sent * 9 / 10, $"nearly every synthetic article is about one topic and alerts: {ledger}");
        ledger.Duplicated.ShouldBe(0, $"{ledger}{Environment.NewLine}{run.Diagnostics()}");
        return ledger;
    }

    private async Task<long> ErrorMessagesAsync(FaultRun run, string queue) =>
        (await node.QueueColumnAsync(run.VirtualHost, "messages")).GetValueOrDefault(queue + "_error");

    private static async Task PublishAsync(FaultRun run, string exchange, string json, IDictionary<string, object?>? headers)
    {
        await using var channel = await run.Connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
            Headers = headers,
        };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, Encoding.UTF8.GetBytes(json));
    }
}
