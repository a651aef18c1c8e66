using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wirewatch.Contracts;
using Wirewatch.Hosting;
using Wirewatch.Worker.Composition;
using Wirewatch.Tests.Shared;
using Wirewatch.Worker.Cli;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// TLS to the broker on a private node with a certificate from a CA made for the test run: the worker (MassTransit)
/// and <c>wirewatch errors</c> (RabbitMQ.Client) connect over AMQPS, trusting only the configured CA file, presenting a
/// client certificate, with a password read from a secret file; and a client that does not trust the CA is refused
/// with a message that says what to set.
/// </summary>
[Collection("rabbitmq-tls")]
[Trait("Category", "Integration")]
public sealed class BrokerTlsTests(TlsRabbitMqNode node) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private readonly string _work = TestPaths.TempFolder("tls");

    private TestCertificates Tls => node.Certificates;

    [Fact]
    public async Task The_worker_and_errors_list_connect_over_tls_with_a_password_file_and_a_message_gets_through()
    {
        var vhost = await node.CreateVirtualHostAsync("tls");
        var (user, passwordFile) = await AddUserAsync(vhost);
        var settings = TlsSettings(user, passwordFile, Tls.CaFile);
        await using var probe = await AmqpProbe.ConnectAsync(node, vhost); // The plain port: the test's own view of the broker.
        await probe.DeclareExchangeAsync(WireNames.ArticlesCleanedExchange, "fanout");
        var cleaned = await probe.BindPrivateQueueAsync(WireNames.ArticlesCleanedExchange, "");

        await using (await RoleHosts.StartAsync(node, vhost, _work, null, settings, RoleHosts.Cleaner))
        {
            var article = Articles.FromText(TestArticles.SanctionsFreeze, url: "https://wire.example/tls/1");
            await probe.PublishJsonAsync(WireNames.ArticlesFetchedExchange, "", JsonSerializer.Serialize(article, WireJson.Options));

            var output = await probe.GetAsync(cleaned, Deadline, "the article, cleaned by a worker connected over TLS");
            JsonDocument.Parse(output.Body).RootElement.GetProperty("articleId").GetString().ShouldBe(article.ArticleId);

            // The broker's view: the worker's connections are the TLS user's, and every one of them is encrypted.
            var connections = await node.CtlAsync("list_connections", "user", "ssl", "peer_cert_subject", "--no-table-headers");
            var ours = connections.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith(user + "\t", StringComparison.Ordinal)).ToList();
            ours.ShouldNotBeEmpty(connections);
            ours.ShouldAllBe(l => l.Contains("\ttrue\t", StringComparison.Ordinal) && l.Contains("wirewatch-test-client", StringComparison.Ordinal), connections);

            // Something the cleaner cannot read, for `errors list` to find.
            await probe.PublishJsonAsync(WireNames.ArticlesFetchedExchange, "", """{"articleId":"broken-over-tls"}""");
            await Eventually.True(async () => (await node.QueueColumnAsync(vhost, "messages")).GetValueOrDefault(WireNames.CleanerQueue + "_error") == 1,
                "the unreadable message in wirewatch-cleaner_error", Deadline);
        }

        var (code, stdout, stderr) = await CliAsync(ConfigFile(vhost, settings), "errors", "list", WireNames.CleanerQueue, "--json");

        // The TLS port speaks nothing but TLS (and wants the client certificate): a listing from there went over TLS.
        code.ShouldBe(WirewatchCli.Success, stderr);
        stdout.ShouldContain("broken-over-tls");
    }

    [Fact]
    public async Task Errors_list_refuses_a_broker_whose_certificate_is_not_from_the_trusted_ca_and_says_what_to_set()
    {
        var vhost = await node.CreateVirtualHostAsync("tls-untrusted");
        var (user, passwordFile) = await AddUserAsync(vhost);
        var otherCa = TestCertificates.Create(_work, "Some Other CA");

        var (code, _, stderr) = await CliAsync(ConfigFile(vhost, TlsSettings(user, passwordFile, otherCa.CaFile)), "errors", "list", WireNames.CleanerQueue);
        code.ShouldBe(WirewatchCli.Failure, stderr);
        stderr.ShouldContain("does not chain to a CA in Wirewatch:RabbitMq:TlsCaFile");
        stderr.ShouldContain("Wirewatch Test CA", Case.Sensitive, "the message names who issued the broker's certificate");

        // Without a CA file only the system's roots count, and a private CA is not among them.
        var systemTrust = TlsSettings(user, passwordFile, null);
        (code, _, stderr) = await CliAsync(ConfigFile(vhost, systemTrust), "errors", "list", WireNames.CleanerQueue);
        code.ShouldBe(WirewatchCli.Failure, stderr);
        stderr.ShouldContain("not trusted by this system");
        stderr.ShouldContain("Set Wirewatch:RabbitMq:TlsCaFile");
    }

    [Fact]
    public async Task A_worker_that_does_not_trust_the_brokers_ca_does_not_start_and_says_why()
    {
        var vhost = await node.CreateVirtualHostAsync("tls-bus");
        var (user, passwordFile) = await AddUserAsync(vhost);
        var otherCa = TestCertificates.Create(_work, "Some Other CA");
        var logs = new CapturedLogs();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TlsSettings(user, passwordFile, otherCa.CaFile))
        {
            ["Wirewatch:Transport"] = Transports.RabbitMq,
            ["Wirewatch:RabbitMq:VirtualHost"] = vhost,
            ["Wirewatch:Roles"] = RoleHosts.Cleaner,
            ["Wirewatch:DataDir"] = Path.Combine(_work, "data"),
        });
        builder.AddWirewatch(scheduleFetches: false);
        builder.Logging.AddProvider(logs);
        using var host = builder.Build();

        // The bus waits for its connection at start (WaitUntilStarted) and retries for a while: the first refusal is
        // enough to see, then the start is given up, as an orchestrator's start-up probe would.
        using var giveUp = new CancellationTokenSource(Deadline * 2);
        var start = host.StartAsync(giveUp.Token);
        await Eventually.True(() => logs.Contains("does not chain to a CA in Wirewatch:RabbitMq:TlsCaFile"),
            "a log line saying the broker's certificate is not from the configured CA", Deadline, logs.Text);
        (await node.CtlAsync("list_connections", "user", "--no-table-headers")).ShouldNotContain(user, Case.Sensitive, "no connection got past TLS");
        await giveUp.CancelAsync();
        await Should.ThrowAsync<Exception>(() => start, "a worker that cannot connect does not start");
        logs.Text().ShouldNotContain((await File.ReadAllTextAsync(passwordFile)).Trim());
    }

    /// <summary>A user of its own for the test's virtual host, its random password in a file as a mounted secret would be (with a trailing line break).</summary>
    private async Task<(string User, string PasswordFile)> AddUserAsync(string vhost)
    {
        var user = "ww-tls-" + Guid.NewGuid().ToString("N")[..8];
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await node.CtlAsync("add_user", user, password);
        await node.CtlAsync("set_permissions", "-p", vhost, user, ".*", ".*", ".*");
        var file = Path.Combine(_work, user + ".password");
        await File.WriteAllTextAsync(file, password + "\n");
        return (user, file);
    }

    /// <summary>As a deployment would set it: the name on the certificate (localhost), the TLS port, the CA file, the client certificate.</summary>
    private Dictionary<string, string?> TlsSettings(string user, string passwordFile, string? caFile) => new()
    {
        ["Wirewatch:RabbitMq:Host"] = "localhost",
        ["Wirewatch:RabbitMq:Port"] = node.TlsPort.ToString(CultureInfo.InvariantCulture),
        ["Wirewatch:RabbitMq:UseTls"] = "true",
        ["Wirewatch:RabbitMq:TlsCaFile"] = caFile,
        ["Wirewatch:RabbitMq:TlsClientCertificateFile"] = Tls.ClientCertificateFile,
        ["Wirewatch:RabbitMq:TlsClientKeyFile"] = Tls.ClientKeyFile,
        ["Wirewatch:RabbitMq:Username"] = user,
        ["Wirewatch:RabbitMq:PasswordFile"] = passwordFile,
    };

    private string ConfigFile(string vhost, Dictionary<string, string?> settings)
    {
        var rabbit = settings.Where(s => s.Value is not null).ToDictionary(s => s.Key["Wirewatch:RabbitMq:".Length..], s => (object)s.Value!);
        rabbit["VirtualHost"] = vhost;
        rabbit["UseTls"] = true;
        var path = Path.Combine(_work, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { Wirewatch = new { Transport = "RabbitMq", RabbitMq = rabbit } }));
        return path;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> CliAsync(string config, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await WirewatchCli.InvokeAsync([.. args, "--config", config], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
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

    /// <summary>Every log line of a host, with its exception chain, as an operator's log collector would keep it.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public bool Contains(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

        public string Text() => string.Join(Environment.NewLine, _lines);

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
