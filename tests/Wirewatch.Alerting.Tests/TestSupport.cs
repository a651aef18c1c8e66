using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using Wirewatch.Alerting.Channels;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Http;
using Wirewatch.State;

namespace Wirewatch.Alerting.Tests;

internal static class Classified
{
    public static ArticleClassified Article(double sanctions, double defense = 0.1, int version = 1, string source = "yonhap-nk", string summary = "Lead paragraph.", string story = "story-1", string? articleId = null) => new()
    {
        ArticleId = articleId ?? $"a-{story}",
        Version = version,
        StoryId = story,
        SourceId = source,
        Url = $"https://wire.example/{story}",
        ProducedAt = Articles.FixedNow,
        Headline = "Council adopts new measures",
        Flags = version > 1 ? ["LEAD"] : [],
        PublishedAt = new DateTimeOffset(2026, 1, 15, 11, 30, 0, TimeSpan.FromHours(9)),
        Dateline = new Dateline { City = "SEOUL", Agency = "Yonhap", Date = "Jan. 15" },
        Summary = summary,
        Topics =
        [
            new TopicScore { Topic = "sanctions", Score = sanctions, Match = sanctions >= 0.5, Evidence = [new Evidence { Term = "sanctions", Count = 3, Snippet = "The council adopted sanctions." }] },
            new TopicScore { Topic = "defense", Score = defense, Match = defense >= 0.5, Evidence = [new Evidence { Term = "missile", Count = 1, Snippet = "The missile flew 800 km." }] },
        ],
        Entities = new Entities { Organizations = ["U.N. Security Council"], Resolutions = ["2270"] },
        ClassifierVersion = "test",
    };

    public static Subscription Sanctions(params ChannelDefinition[] channels) => new()
    {
        Id = "sanctions-desk",
        Topics = ["sanctions"],
        MinScore = 0.6,
        Channels = channels.Length == 0 ? [new ChannelDefinition { Type = ChannelTypes.Bus }] : channels,
    };
}

/// <summary>A fresh <c>whsec_</c> secret in a fresh environment variable.</summary>
internal sealed record WebhookSecret(string EnvName, string Value, byte[] Key)
{
    public static WebhookSecret Create()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var secret = new WebhookSecret($"WIREWATCH_TEST_HOOK_{Guid.NewGuid():N}", "whsec_" + Convert.ToBase64String(key), key);
        Environment.SetEnvironmentVariable(secret.EnvName, secret.Value);
        return secret;
    }
}

/// <summary>A real SMTP server (the SmtpServer package) on loopback that keeps every message it accepted.</summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private CancellationTokenSource _stop = new();
    private readonly Task _running;

    private readonly SmtpServer.SmtpServer? _server;

    private SmtpSink(int port, Store store, Task running, SmtpServer.SmtpServer? server)
    {
        Port = port;
        Messages = store.Messages;
        _running = running;
        _server = server;
    }

    public int Port { get; }
    public ConcurrentQueue<MimeMessage> Messages { get; }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<SmtpSink> StartAsync(int? port = null)
    {
        var chosen = port ?? FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, chosen)))
            .Build();
        var store = new Store();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(store);
        var server = new SmtpServer.SmtpServer(options, services);
        var stop = new CancellationTokenSource();
        var sink = new SmtpSink(chosen, store, server.StartAsync(stop.Token), server);
        sink._stop.Dispose();
        sink._stop = stop;
        // Listening once a client can connect.
        await Eventually.True(async () =>
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, chosen);
                await probe.GetStream().WriteAsync("QUIT\r\n"u8.ToArray()); // End the probe's session politely.
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"the SMTP server listening on port {chosen}");
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        // Shutdown stops listening; cancelling ends the sessions still open (MailKit's pooled connections are not).
        _server?.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private sealed class Store : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>Log lines kept for assertions (a failed attempt, a disabled channel, a secret never printed).</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}

/// <summary>The alerter as the worker composes it (real ledger, channels, Polly pipelines) on MassTransit's test harness.</summary>
internal sealed class AlerterHost : IAsyncDisposable
{
    private AlerterHost(ServiceProvider provider, ITestHarness harness, RecordingLoggerProvider logs)
    {
        Provider = provider;
        Harness = harness;
        Logs = logs;
    }

    public ServiceProvider Provider { get; }
    public ITestHarness Harness { get; }
    public RecordingLoggerProvider Logs { get; }
    public IAlertLedger Ledger => Provider.GetRequiredService<IAlertLedger>();

    /// <param name="databasePath">The SQLite file (default: a fresh one), unless <paramref name="state"/> is given.</param>
    /// <param name="state">Where the alerter keeps its state, e.g. a PostgreSQL database.</param>
    public static async Task<AlerterHost> StartAsync(
        IEnumerable<Subscription> subscriptions, Action<WebhookOptions>? webhook = null, Action<EmailOptions>? email = null, string? databasePath = null,
        TimeProvider? time = null, StateLocation? state = null)
    {
        var logs = new RecordingLoggerProvider();
        var services = new ServiceCollection()
            .AddSingleton(time ?? TimeProvider.System)
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug))
            .AddWirewatchState(state ?? StateLocation.Sqlite(databasePath ?? Path.Combine(TestPaths.TempFolder("alerter"), "wirewatch.db")))
            .AddAlerter(new SubscriptionCatalog(subscriptions));
        services.Configure<WebhookOptions>(o =>
        {
            o.Retries = 5;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.TotalTimeout = TimeSpan.FromSeconds(20);
            webhook?.Invoke(o);
        });
        services.Configure<EmailOptions>(o =>
        {
            o.Host = "127.0.0.1";
            o.Security = EmailSecurity.None;
            o.From = "wirewatch@example.org";
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            o.Timeout = TimeSpan.FromSeconds(10);
            email?.Invoke(o);
        });
        // Tests drive scheduled digests themselves under a fake clock (ScheduledDigests.RunDueAsync); Quartz's own
        // scheduler would fire on the real clock beside them.
        var quartzAssembly = typeof(Quartz.QuartzHostedService).Assembly;
        foreach (var quartz in services.Where(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)
            && (d.ImplementationType?.Assembly == quartzAssembly || d.ImplementationFactory?.Method.DeclaringType?.Assembly == quartzAssembly)).ToList())
        {
            services.Remove(quartz);
        }

        services.AddMassTransitTestHarness(x => x.AddAlerterConsumer());
        var provider = services.BuildServiceProvider(true);
        // The state database before the harness, so the provider disposes it after: disposing the harness stops the
        // hosted services, and the PostgreSQL ledger's stop still writes (it removes its liveness row), as in a host.
        provider.GetRequiredService<IStateDatabase>();
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(30);
        await harness.Start();
        return new AlerterHost(provider, harness, logs);
    }

    /// <summary>Publishes a classification and waits until the alerter has consumed it (or failed on it).</summary>
    public async Task ClassifiedAsync(ArticleClassified article)
    {
        var before = Harness.GetConsumerHarness<RaiseAlertsConsumer>().Consumed.Select<ArticleClassified>().Count();
        await Harness.Bus.Publish(article);
        await Eventually.True(() => Harness.GetConsumerHarness<RaiseAlertsConsumer>().Consumed.Select<ArticleClassified>().Count() > before,
            $"the alerter consumed {article.ArticleId} v{article.Version}");
    }

    public IReadOnlyList<AlertRaised> PublishedAlerts() => Harness.Published.Select<AlertRaised>().Select(m => m.Context.Message).ToList();

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await Provider.DisposeAsync();
    }
}
