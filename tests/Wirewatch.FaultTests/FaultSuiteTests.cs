using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using RabbitMQ.Client;
using Wirewatch.Contracts;
using Wirewatch.IntegrationTests;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;
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
    public async Task A_message_that_kills_its_cleaner_every_time_is_dead_lettered_after_the_delivery_limit_without_a_crash_loop()
    {
        const int deliveryLimit = 5; // Wirewatch:RabbitMq:DeliveryLimit's default.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var run = await FaultRun.StartAsync(node, "crash-loop", 20);
        await run.WaitForProcessedAsync(20, FlowDeadline);

        // A message that kills every process it reaches. Which process has it must be visible from outside without a
        // crash path in the product, so each cleaner is frozen (SIGSTOP) while it receives it: the broker has handed it
        // over (unacknowledged) and the process never runs it. Then the holder dies with SIGKILL, as a process crashed by
        // a message does (or the OOM killer), while its successor, started as an orchestrator restarts a pod and frozen
        // once it consumes, is the only one left to receive it. The quorum queue counts each return in x-delivery-count.
        // After DeliveryLimit crashes the last successor resumes: it must move the message to the error queue without
        // running it (neither classified nor rejected), and go on working.
        var holder = run.Role("cleaner");
        await holder.SignalAsync("STOP");
        var poison = Articles.FromText("SEOUL, June 4 (Yonhap) -- The defense ministry said three ballistic missiles were fired into the East Sea, a story whose page crashes every worker that reads it.",
            url: "https://wire.example/crash-loop/1");
        await PublishAsync(run, WireNames.ArticlesFetchedExchange, System.Text.Json.JsonSerializer.Serialize(poison, WireJson.Options), headers: null);
        var kills = 0;
        var frozen = System.Diagnostics.Stopwatch.StartNew();
        var longestFreeze = TimeSpan.Zero;
        try
        {
            await Eventually.True(async () => await QueueAsync(run, "messages_unacknowledged", WireNames.CleanerQueue) == 1,
                "the message handed to the frozen cleaner", TimeSpan.FromSeconds(30), run.Diagnostics);
            while (kills < deliveryLimit)
            {
                await run.StartReplacementAsync("cleaner");
                var successor = run.Processes[^1];
                await Eventually.True(async () => await QueueAsync(run, "consumers", WireNames.CleanerQueue) >= 2,
                    $"replacement cleaner {kills + 1} consuming beside the frozen holder (a holder frozen past about 20 s loses its connection to missed heartbeats)",
                    TimeSpan.FromSeconds(60), () => $"frozen for {frozen.Elapsed.TotalSeconds:0.0} s{Environment.NewLine}{run.Diagnostics()}");
                await successor.SignalAsync("STOP");
                await holder.SignalAsync("KILL");
                // A holder frozen past two missed 10 s heartbeats would lose its connection to the broker, not to a crash.
                longestFreeze = frozen.Elapsed > longestFreeze ? frozen.Elapsed : longestFreeze;
                frozen.Restart();
                using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                {
                    await holder.WaitForExitAsync(exit.Token);
                }

                kills++;
                holder = successor;
                // Returned, and handed to the frozen successor, the one consumer left.
                await Eventually.True(async () => await QueueAsync(run, "consumers", WireNames.CleanerQueue) == 1
                        && await QueueAsync(run, "messages_unacknowledged", WireNames.CleanerQueue) == 1,
                    $"the message returned after kill {kills} and handed to the next cleaner", TimeSpan.FromSeconds(30), run.Diagnostics);
            }
        }
        finally
        {
            await holder.SignalAsync("CONT");
        }

        await Eventually.True(async () => await ErrorMessagesAsync(run, WireNames.CleanerQueue) == 1,
            $"the message in wirewatch-cleaner_error after {kills} crashes", TimeSpan.FromSeconds(60),
            () => $"processed {run.Processed} of 20 before; {run.Diagnostics()}");
        var processedWithPoison = run.Processed;

        // The error queue holds it with the reason: returned DeliveryLimit times, never run.
        string exceptionType, reason;
        await using (var channel = await run.Connection.CreateChannelAsync())
        {
            var got = await channel.BasicGetAsync(WireNames.CleanerQueue + "_error", autoAck: false);
            got.ShouldNotBeNull();
            var headers = got.BasicProperties.Headers ?? new Dictionary<string, object?>();
            exceptionType = HeaderText(headers, "MT-Fault-ExceptionType");
            reason = HeaderText(headers, "MT-Fault-Message");
            Encoding.UTF8.GetString(got.Body.Span).ShouldContain(poison.ArticleId);
            await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);
        }

        var returned = System.Text.RegularExpressions.Regex.Match(reason, @" (\d+) times without being acknowledged");
        var count = returned.Success ? int.Parse(returned.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

        // No crash loop: the last cleaner is alive and consuming, and articles published now go through.
        var last = holder;
        var before = run.Processed;
        var batch = Enumerable.Range(1, 3).Select(i => Articles.FromText(
            $"SEOUL, May {i} (Yonhap) -- The envoy said {i + 10} new sanctions on shipping firms took effect after the poison message, freezing the assets of {i + 3} tanker operators.",
            url: $"https://wire.example/after-crash-loop/{i}")).ToList();
        foreach (var article in batch)
        {
            await PublishAsync(run, WireNames.ArticlesFetchedExchange, System.Text.Json.JsonSerializer.Serialize(article, WireJson.Options), headers: null);
        }

        await run.WaitForProcessedAsync(before + batch.Count, TimeSpan.FromSeconds(90));
        await ReportAsync(FormattableString.Invariant(
            $"fault=crash-loop kills={kills} delivery-count={count} error-queue={await ErrorMessagesAsync(run, WireNames.CleanerQueue)} after={run.Processed - before}/{batch.Count} cleaners={run.Processes.Count(p => p.Role == "cleaner")} longest-freeze={longestFreeze.TotalSeconds:0.0}s seconds={clock.Elapsed.TotalSeconds:0.0}"));

        exceptionType.ShouldContain("DeliveryLimitExceededException", Case.Sensitive, reason);
        count.ShouldBeGreaterThanOrEqualTo(deliveryLimit, reason);
        processedWithPoison.ShouldBe(20, "the message is dead-lettered without being run: neither classified nor rejected");
        (await ErrorMessagesAsync(run, WireNames.CleanerQueue)).ShouldBe(1);
        last.HasExited.ShouldBeFalse(last.ErrorTail());
        (await QueueAsync(run, "consumers", WireNames.CleanerQueue)).ShouldBeGreaterThan(0);
    }

    private async Task<long> QueueAsync(FaultRun run, string column, string queue) =>
        (await node.QueueColumnAsync(run.VirtualHost, column)).GetValueOrDefault(queue);

    private static string HeaderText(IDictionary<string, object?> headers, string key) => headers.TryGetValue(key, out var value) switch
    {
        false => "",
        true when value is byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

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

    [Fact]
    public async Task A_broker_frozen_longer_than_the_heartbeat_then_resumed_loses_and_doubles_nothing()
    {
        await using var run = await FaultRun.StartAsync(node, "broker-frozen", ArticleCount);
        await run.WaitForProcessedAsync(ArticleCount / 5, FlowDeadline);

        // The Erlang VM stops dead (as under a hung disk or a paused VM): sockets stay open, nothing answers, so only
        // the workers' 10 s heartbeats can tell. Frozen for 25 s, well past two missed heartbeats.
        var pid = (await node.CtlAsync("eval", "os:getpid().")).Trim().Trim('"');
        await SignalAsync("STOP", pid);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(25)); // The fault itself: a broker frozen for 25 s.
        }
        finally
        {
            await SignalAsync("CONT", pid);
        }

        await AssertCleanAsync(run);
    }

    [Fact]
    public async Task A_memory_alarm_blocking_publishers_mid_flow_then_clearing_loses_and_doubles_nothing()
    {
        // The alarm goes up once the consumers consume and before the fetcher starts: raised after the flow began, it
        // came too late on a loaded machine (150 articles are through in the time rabbitmqctl takes). Starting the run
        // publishes nothing (declaring and consuming are not blocked), so only the flow itself meets the alarm.
        var alarmUp = false;
        try
        {
            await using var run = await FaultRun.StartAsync(node, "alarms", ArticleCount, new FaultRunOptions
            {
                BeforeFlow = async _ =>
                {
                    // A watermark below what the node uses: the memory alarm blocks every publishing connection at once.
                    alarmUp = true;
                    await node.CtlAsync("set_vm_memory_high_watermark", "0.0000001");
                    await Eventually.True(async () => (await node.CtlAsync("eval", "rabbit_alarm:get_alarms().")).Contains("memory", StringComparison.Ordinal),
                        "the memory alarm raised", TimeSpan.FromSeconds(30));
                },
            });

            // The fetcher's first cycle publishes, and the broker blocks its connection.
            await Eventually.True(async () => (await node.CtlAsync("list_connections", "-p", run.VirtualHost, "state", "--no-table-headers"))
                    .Split('\n', StringSplitOptions.TrimEntries).Contains("blocked", StringComparer.Ordinal),
                "a publishing connection blocked by the alarm", TimeSpan.FromSeconds(60), () => run.Diagnostics());
            var blocked = run.Processed;
            await Task.Delay(TimeSpan.FromSeconds(15)); // The fault itself: publishers blocked for 15 s.
            var held = run.Processed;
            await ReportAsync($"alarms: {blocked} of {ArticleCount} processed when a publisher was blocked, {held} 15 s later");
            held.ShouldBeLessThan(ArticleCount, "while the alarm holds, the flow must not get through");

            await node.CtlAsync("set_vm_memory_high_watermark", "0.4"); // RabbitMQ's default.
            alarmUp = false;
            await AssertCleanAsync(run);
        }
        finally
        {
            if (alarmUp)
            {
                await node.CtlAsync("set_vm_memory_high_watermark", "0.4");
            }
        }
    }

    [Fact]
    public async Task Two_fetchers_on_the_same_sources_publish_twice_and_alert_once_per_story()
    {
        await using var run = await FaultRun.StartAsync(node, "two-fetchers", ArticleCount, new FaultRunOptions { Fetchers = 2 });

        var ledger = await AssertCleanAsync(run, () => $"fetched={run.Fetched}");
        run.Fetched.ShouldBeGreaterThan(ArticleCount, $"two fetchers with their own seen-stores each publish the articles: {ledger}");
    }

    [Fact]
    public async Task An_alert_that_no_queue_is_bound_for_lands_in_the_unrouted_queue()
    {
        await using var run = await FaultRun.StartAsync(node, "unrouted-alert", ArticleCount / 3, new FaultRunOptions { LedgerOnUnroutedAlerts = true });

        var ledger = await AssertCleanAsync(run);
        var kept = await node.QueueColumnAsync(run.VirtualHost, "messages");
        kept.GetValueOrDefault(WireNames.AlertsUnroutedExchange).ShouldBe(run.AlertCopies.Values.Sum(),
            $"every alert with no subscriber queue is kept in {WireNames.AlertsUnroutedExchange}: {ledger}");
    }

    [Fact]
    public async Task An_alerter_killed_after_sending_a_webhook_and_before_recording_it_sends_it_under_one_webhook_id()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await using var receiver = await WebhookReceiver.StartAsync(key);
        // A short claim lease (above the webhook's whole retry budget, as it must be) so the sweep of abandoned claims
        // runs within the case; the default is 10 min.
        await using var run = await FaultRun.StartAsync(node, "kill9-alerter-after-webhook", ArticleCount, new FaultRunOptions
        {
            Webhook = (receiver.Url, key),
            AlerterSettings = new Dictionary<string, string>
            {
                ["Wirewatch__Alerts__ClaimLease"] = "00:00:10",
                ["Wirewatch__Alerts__Webhook__AttemptTimeout"] = "00:00:03",
                ["Wirewatch__Alerts__Webhook__TotalTimeout"] = "00:00:06",
            },
        });

        // The first webhook after a fifth of the flow: the receiver has it (the side effect happened), then the alerter
        // dies with SIGKILL before it hears the answer, records the delivery or acks the message; a replacement starts
        // on the same volume (the same ledger), as an orchestrator restarts a pod.
        var chosen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var threshold = ArticleCount / 5;
        receiver.Script = async (_, context) =>
        {
            if (chosen.Task.IsCompleted || run.Processed < threshold)
            {
                return null;
            }

            var id = context.Request.Headers["webhook-id"].ToString();
            if (!chosen.TrySetResult(id))
            {
                return null;
            }

            var alerter = run.Role("alerter");
            await alerter.SignalAsync("KILL");
            using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await alerter.WaitForExitAsync(exit.Token);
            }

            await run.StartReplacementAsync("alerter", sameVolume: true);
            return Results.Ok(); // To nobody: the process that asked is gone.
        };

        var ledger = await AssertCleanAsync(run);
        var alertId = await chosen.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The claims the dead alerter held (the chosen alert's, and any other it was sending) are delivered again by the
        // replacement's sweep once their lease has passed.
        await Eventually.True(() => run.AlertCopies.Keys.All(id => receiver.Requests.Any(r => r.Id == id)), "every alert's webhook sent, abandoned claims included",
            TimeSpan.FromSeconds(90), () => string.Join(", ", run.AlertCopies.Keys.Where(id => receiver.Requests.All(r => r.Id != id))));
        var requests = receiver.Requests.Where(r => r.SignatureValid).ToList();
        var forChosen = requests.Where(r => r.Id == alertId).ToList();
        await ReportAsync($"kill9-alerter-after-webhook: {alertId} reached the receiver in {forChosen.Count} request(s), with {forChosen.Select(r => r.Id).Distinct().Count()} distinct webhook-id");
        forChosen.Select(r => r.Id).Distinct().Count().ShouldBe(1);

        // Every alert on the bus reached the receiver, and under one id each: a receiver de-duplicating on webhook-id
        // acts on each alert once.
        var hooked = requests.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        run.AlertCopies.Keys.Where(id => !hooked.Contains(id)).ShouldBeEmpty($"alerts published on the bus but never sent to the webhook: {ledger}");
        var ids = requests.GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        await ReportAsync($"kill9-alerter-after-webhook: {requests.Count} webhook requests, {hooked.Count} distinct ids, repeated: {string.Join(", ", ids)}");
        hooked.Count.ShouldBe(run.AlertCopies.Count, $"one webhook id per alert id: {ledger}");
    }

    [Fact]
    public async Task A_consumer_past_the_broker_consumer_timeout_comes_back_and_alerts_once()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await using var receiver = await WebhookReceiver.StartAsync(key);
        var closedEarlier = ConsumerTimeoutsLogged(); // The node is shared: only this case's closings count.
        var previous = (await node.CtlAsync("eval", "application:get_env(rabbit, consumer_timeout).")).Trim();
        var previousTick = (await node.CtlAsync("eval", "application:get_env(rabbit, channel_tick_interval).")).Trim();
        try
        {
            await node.CtlAsync("eval", "application:set_env(rabbit, consumer_timeout, 5000).");
            // Channels check the timeout on their tick, once a minute by default; RabbitMQ's own consumer-timeout tests
            // shorten it the same way. Both are read when a channel opens: the workers started below get them.
            await node.CtlAsync("eval", "application:set_env(rabbit, channel_tick_interval, 1000).");

            // One webhook is answered only once the broker gave up on the message in hand: it closes the alerter's
            // channel ("delivery acknowledgement timed out") and the alerter's consumer must come back on a new channel.
            // Until then the webhook hangs. The script is in place and the alerter's channels are read before the flow
            // starts: set afterwards, every webhook could be answered before the script existed.
            FaultRun? flowing = null;
            HashSet<string> before = [];
            var held = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var cameBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            receiver.Script = async (_, context) =>
            {
                if (!held.TrySetResult(context.Request.Headers["webhook-id"].ToString()))
                {
                    return null;
                }

                try
                {
                    var current = flowing ?? throw new InvalidOperationException("a webhook before the flow started");
                    await Eventually.True(async () => await AlerterChannelsAsync(current) is { Count: > 0 } now && !now.Overlaps(before),
                        "the alerter consuming again on a new channel after the broker closed the old one", TimeSpan.FromMinutes(3), () => current.Role("alerter").ErrorTail());
                    cameBack.TrySetResult();
                }
                catch (Exception e)
                {
                    cameBack.TrySetException(e);
                }

                return null;
            };

            // The webhook may take as long as it likes (the broker's timeout is what is tested, not the channel's).
            await using var run = await FaultRun.StartAsync(node, "consumer-timeout", ArticleCount / 3, new FaultRunOptions
            {
                Webhook = (receiver.Url, key),
                AlerterSettings = new Dictionary<string, string>
                {
                    ["Wirewatch__Alerts__Webhook__AttemptTimeout"] = "00:03:00",
                    ["Wirewatch__Alerts__Webhook__TotalTimeout"] = "00:03:00",
                },
                BeforeFlow = async started =>
                {
                    // The alerter consumes, and nothing has been delivered to it yet: no timeout can have closed these.
                    before = await AlerterChannelsAsync(started);
                    before.ShouldNotBeEmpty("the alerter consumes before the flow starts");
                    flowing = started;
                },
            });

            await cameBack.Task.WaitAsync(TimeSpan.FromMinutes(4));
            var closings = ConsumerTimeoutsLogged() - closedEarlier;
            var ledger = await AssertCleanAsync(run, () => $"channels-timed-out={closings}");
            closings.ShouldBeGreaterThan(0, $"the broker's consumer timeout closed the alerter's channel: {ledger}");
            var alertId = await held.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var requests = receiver.Requests.Where(r => r.SignatureValid).ToList();
            await ReportAsync($"consumer-timeout: {alertId} reached the receiver {requests.Count(r => r.Id == alertId)} time(s); {requests.Count} requests, {requests.Select(r => r.Id).Distinct().Count()} ids");
            requests.Select(r => r.Id).Distinct().Count().ShouldBe(run.AlertCopies.Count, $"one webhook id per alert: {ledger}");
        }
        finally
        {
            // Back to what they were. Not unset: a channel opening without channel_tick_interval crashes, and every
            // later connection with it (a first version of this case did that to the rest of the suite).
            await node.CtlAsync("eval", Restore("channel_tick_interval", previousTick));
            await node.CtlAsync("eval", Restore("consumer_timeout", previous));
        }
    }

    /// <summary>Channels the broker closed so far because a delivery was not acknowledged within consumer_timeout.</summary>
    private int ConsumerTimeoutsLogged() =>
        node.ServerLog().Split('\n').Count(line => line.Contains("delivery acknowledgement", StringComparison.Ordinal) && line.Contains("timed out", StringComparison.Ordinal));

    /// <summary>An Erlang expression setting a rabbit application variable back to what <c>application:get_env</c> printed.</summary>
    private static string Restore(string variable, string printed) => printed.StartsWith("{ok,", StringComparison.Ordinal)
        ? $"application:set_env(rabbit, {variable}, {printed[4..].TrimEnd('}')})."
        : $"application:unset_env(rabbit, {variable}).";

    /// <summary>The channels (Erlang pids) on which wirewatch-alerter has a consumer now.</summary>
    private async Task<HashSet<string>> AlerterChannelsAsync(FaultRun run)
    {
        var table = await node.CtlAsync("list_consumers", "-p", run.VirtualHost, "queue_name", "channel_pid", "--no-table-headers");
        return table.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', StringSplitOptions.TrimEntries))
            .Where(row => row.Length == 2 && row[0] == WireNames.AlerterQueue)
            .Select(row => row[1])
            .ToHashSet(StringComparer.Ordinal);
    }

    private static async Task SignalAsync(string signal, string pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid]);
        await kill.WaitForExitAsync();
        kill.ExitCode.ShouldBe(0, $"kill -{signal} {pid}");
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

    private Task<Ledger> AssertCleanAsync(FaultRun run, Func<string>? note = null) => FaultLedgers.AssertCleanAsync(run, output, FlowDeadline, note);

    private Task ReportAsync(string line) => FaultLedgers.ReportAsync(output, line);

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
