using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Wirewatch.Hosting;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Operations.Tests;

/// <summary>
/// The broker settings a deployment gets wrong: <c>guest</c> towards a remote broker, credentials from secret files,
/// TLS files. Each stops the start with a message naming the key; the TLS validation accepts only the configured CA.
/// </summary>
public sealed class BrokerSecuritySettingsTests : IDisposable
{
    private readonly string _folder = TestPaths.TempFolder("broker-security");

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.1.1")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    public void Guest_is_fine_for_a_broker_on_this_machine(string host)
    {
        var settings = Read(("Transport", "RabbitMq"), ("RabbitMq:Host", host));

        settings.Options.RabbitMq.Username.ShouldBe("guest");
    }

    [Theory]
    [InlineData("rabbitmq")]
    [InlineData("broker.example.org")]
    [InlineData("10.0.0.5")]
    [InlineData("localhost.example.org")]
    public void Guest_towards_a_broker_elsewhere_stops_the_start_naming_the_settings(string host)
    {
        var error = Should.Throw<WirewatchConfigurationException>(() => Read(("Transport", "RabbitMq"), ("RabbitMq:Host", host)));

        error.Message.ShouldContain("Wirewatch:RabbitMq:Username is 'guest'");
        error.Message.ShouldContain($"Wirewatch:RabbitMq:Host is '{host}'");
    }

    [Fact]
    public void Guest_defaults_do_not_matter_without_a_broker()
    {
        // `wirewatch once` and the embedded mode: the in-memory transport, whatever the RabbitMq section says.
        var settings = Read(("RabbitMq:Host", "broker.example.org"));

        settings.Options.Transport.ShouldBe(Transports.InMemory);
    }

    [Fact]
    public void Credentials_come_from_secret_files_without_their_trailing_line_break()
    {
        var username = File("username", "wirewatch-cleaner\n");
        var password = File("password", "s3cret with spaces \r\n");

        var settings = Read(("Transport", "RabbitMq"), ("RabbitMq:Host", "broker.example.org"), ("RabbitMq:UsernameFile", username), ("RabbitMq:PasswordFile", password));

        settings.Options.RabbitMq.Username.ShouldBe("wirewatch-cleaner");
        settings.Options.RabbitMq.Password.ShouldBe("s3cret with spaces ");
    }

    [Fact]
    public void A_password_both_inline_and_in_a_file_is_refused()
    {
        var password = File("password", "from-file");

        var error = Should.Throw<WirewatchConfigurationException>(() => Read(
            ("Transport", "RabbitMq"), ("RabbitMq:Username", "wirewatch"), ("RabbitMq:Password", "inline"), ("RabbitMq:PasswordFile", password)));

        error.Message.ShouldContain("Wirewatch:RabbitMq:Password and Wirewatch:RabbitMq:PasswordFile are both set");
    }

    [Fact]
    public void A_missing_or_empty_secret_file_is_named_and_its_content_never_shown()
    {
        var empty = File("empty", "\n");

        var missing = Should.Throw<WirewatchConfigurationException>(() => Read(("Transport", "RabbitMq"), ("RabbitMq:PasswordFile", "/run/secrets/nothing-here")));
        var blank = Should.Throw<WirewatchConfigurationException>(() => Read(("Transport", "RabbitMq"), ("RabbitMq:PasswordFile", empty)));

        missing.Message.ShouldContain("Wirewatch:RabbitMq:PasswordFile: cannot read '/run/secrets/nothing-here'");
        blank.Message.ShouldContain($"Wirewatch:RabbitMq:PasswordFile: file '{empty}' is empty");
    }

    [Fact]
    public void A_password_read_from_a_file_appears_in_no_configuration_error()
    {
        var password = File("password", "pw-0d41c7-never-print");

        // A second mistake in the same configuration: the message lists it, not the password.
        var error = Should.Throw<WirewatchConfigurationException>(() => Read(
            ("Transport", "RabbitMq"), ("RabbitMq:Host", "broker.example.org"), ("RabbitMq:PasswordFile", password), ("RabbitMq:Port", "0")));

        error.Message.ShouldContain("Wirewatch:RabbitMq:Port");
        error.Message.ShouldNotContain("pw-0d41c7-never-print");
    }

    [Theory]
    [InlineData("RabbitMq:TlsCaFile", "Wirewatch:RabbitMq:TlsCaFile, TlsServerName and the client certificate apply only with Wirewatch:RabbitMq:UseTls=true")]
    [InlineData("RabbitMq:TlsClientCertificateFile", "TlsClientCertificateFile and TlsClientKeyFile go together")]
    public void Tls_settings_that_cannot_work_stop_the_start(string key, string message)
    {
        var error = Should.Throw<WirewatchConfigurationException>(() => Read(("Transport", "RabbitMq"), (key, File("some.pem", "x"))));

        error.Message.ShouldContain(message);
    }

    [Fact]
    public void A_ca_file_that_is_not_there_is_named()
    {
        var error = Should.Throw<WirewatchConfigurationException>(() => Read(
            ("Transport", "RabbitMq"), ("RabbitMq:UseTls", "true"), ("RabbitMq:TlsCaFile", "/etc/wirewatch/no-ca.pem")));

        error.Message.ShouldContain("Wirewatch:RabbitMq:TlsCaFile: file '/etc/wirewatch/no-ca.pem' does not exist");
    }

    [Fact]
    public void A_ca_file_without_a_certificate_is_named_when_tls_is_set_up()
    {
        var options = new RabbitMqOptions { UseTls = true, TlsCaFile = File("ca.pem", "not a certificate") };

        var error = Should.Throw<WirewatchConfigurationException>(() => BrokerTls.For(options));

        error.Message.ShouldContain("Wirewatch:RabbitMq:TlsCaFile");
    }

    [Fact]
    public void The_broker_certificate_is_accepted_only_when_it_chains_to_the_configured_ca_and_carries_the_name()
    {
        var ours = TestCertificates.Create(_folder);
        var other = TestCertificates.Create(_folder, "Some Other CA");
        using var brokerCertificate = X509Certificate2.CreateFromPem(System.IO.File.ReadAllText(ours.ServerCertificateFile));
        var trusting = BrokerTls.For(new RabbitMqOptions { UseTls = true, Host = "localhost", TlsCaFile = ours.CaFile })!;
        var distrusting = BrokerTls.For(new RabbitMqOptions { UseTls = true, Host = "localhost", TlsCaFile = other.CaFile })!;

        // What the TLS stack reports for a private CA: the chain does not reach a system root.
        trusting.Validate(this, brokerCertificate, null, SslPolicyErrors.RemoteCertificateChainErrors).ShouldBeTrue();
        Should.Throw<AuthenticationException>(() => distrusting.Validate(this, brokerCertificate, null, SslPolicyErrors.RemoteCertificateChainErrors))
            .Message.ShouldContain("does not chain to a CA in Wirewatch:RabbitMq:TlsCaFile");
        Should.Throw<AuthenticationException>(() => trusting.Validate(this, brokerCertificate, null, SslPolicyErrors.RemoteCertificateNameMismatch))
            .Message.ShouldContain("Wirewatch:RabbitMq:TlsServerName");
    }

    [Fact]
    public void Without_a_ca_file_only_what_the_system_trusts_is_accepted()
    {
        var ours = TestCertificates.Create(_folder);
        using var brokerCertificate = X509Certificate2.CreateFromPem(System.IO.File.ReadAllText(ours.ServerCertificateFile));
        var systemTrust = BrokerTls.For(new RabbitMqOptions { UseTls = true, Host = "broker.example.org", TlsServerName = "localhost" })!;

        systemTrust.ServerName.ShouldBe("localhost");
        systemTrust.Validate(this, brokerCertificate, null, SslPolicyErrors.None).ShouldBeTrue();
        Should.Throw<AuthenticationException>(() => systemTrust.Validate(this, brokerCertificate, null, SslPolicyErrors.RemoteCertificateChainErrors))
            .Message.ShouldContain("Set Wirewatch:RabbitMq:TlsCaFile");
    }

    private static WirewatchSettings Read(params (string Key, string Value)[] values) =>
        WirewatchSettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Wirewatch:" + v.Key, v.Value)))
            .Build());

    private string File(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
