using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MassTransit;
using RabbitMQ.Client;

namespace Wirewatch.Hosting;

/// <summary>
/// TLS to the broker, the same for the bus (MassTransit) and for <c>wirewatch errors</c> (RabbitMQ.Client): the broker's
/// certificate must carry the expected name and chain to a trusted root: the CA file's certificates when one is set
/// (trusted for the broker alone), otherwise the system's roots. Never "accept any certificate": MassTransit on its
/// own would accept chain errors, so the validation here replaces it entirely.
/// </summary>
public sealed class BrokerTls
{
    private readonly X509Certificate2Collection? _trustedRoots;
    private readonly string? _caFile;

    private BrokerTls(string serverName, X509Certificate2Collection? trustedRoots, string? caFile, X509Certificate2? clientCertificate)
    {
        ServerName = serverName;
        _trustedRoots = trustedRoots;
        _caFile = caFile;
        ClientCertificate = clientCertificate;
    }

    /// <summary>The name the broker's certificate must carry.</summary>
    public string ServerName { get; }

    public X509Certificate2? ClientCertificate { get; }

    /// <summary>
    /// Null when <see cref="RabbitMqOptions.UseTls"/> is off. Reads the CA and client certificate files; throws
    /// <see cref="WirewatchConfigurationException"/> naming the key when one cannot be used.
    /// </summary>
    public static BrokerTls? For(RabbitMqOptions options)
    {
        if (!options.UseTls)
        {
            return null;
        }

        X509Certificate2Collection? roots = null;
        if (options.TlsCaFile is { Length: > 0 } caFile)
        {
            roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(caFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new WirewatchConfigurationException($"Wirewatch:RabbitMq:TlsCaFile: cannot read certificates from '{caFile}': {e.Message}");
            }

            if (roots.Count == 0)
            {
                throw new WirewatchConfigurationException($"Wirewatch:RabbitMq:TlsCaFile: '{caFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
            }
        }

        X509Certificate2? client = null;
        if (options.TlsClientCertificateFile is { Length: > 0 } certFile && options.TlsClientKeyFile is { Length: > 0 } keyFile)
        {
            try
            {
                client = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                throw new WirewatchConfigurationException(
                    $"Wirewatch:RabbitMq:TlsClientCertificateFile/TlsClientKeyFile: cannot load the client certificate '{certFile}' with its key: {e.Message}");
            }
        }

        // A cluster's nodes present one name to check against: TlsServerName, else the first node's.
        var serverName = options.TlsServerName is { Length: > 0 } name ? name : BrokerNodes.Of(options)[0].Host;
        return new BrokerTls(serverName, roots, options.TlsCaFile, client);
    }

    /// <summary>The bus's side (MassTransit's <c>UseSsl</c>).</summary>
    public void Apply(IRabbitMqSslConfigurator ssl)
    {
        ssl.ServerName = ServerName;
        ssl.Protocol = SslProtocols.None; // The operating system's choice: TLS 1.2 or 1.3.
        ssl.CertificateValidationCallback = Validate;
        if (ClientCertificate is not null)
        {
            ssl.Certificate = ClientCertificate;
        }
    }

    /// <summary>RabbitMQ.Client's side (<c>wirewatch errors</c>).</summary>
    public void Apply(SslOption ssl)
    {
        ssl.Enabled = true;
        ssl.ServerName = ServerName;
        ssl.Version = SslProtocols.None;
        ssl.CertificateValidationCallback = Validate;
        if (ClientCertificate is not null)
        {
            ssl.Certs = [ClientCertificate];
        }
    }

    /// <summary>
    /// The broker's certificate is accepted only with the expected name and a chain to a trusted root. A refusal throws
    /// an <see cref="AuthenticationException"/> that says why and which setting to look at, since the TLS stack's own
    /// "rejected by the callback" says neither.
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            throw new AuthenticationException("The broker presented no TLS certificate.");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            throw new AuthenticationException(
                $"The broker's certificate ({certificate.Subject}) is not valid for '{ServerName}'. Connect to a name the certificate " +
                "carries, or set Wirewatch:RabbitMq:TlsServerName to one.");
        }

        if (_trustedRoots is null)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            throw new AuthenticationException(
                $"The broker's certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not trusted by this system: " +
                $"{Describe(chain)}. Set Wirewatch:RabbitMq:TlsCaFile to the PEM file of the CA that signed it.");
        }

        // Our own chain: the CA file is the only trust anchor, whatever the system trusts.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // A private CA rarely publishes a CRL.
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate); // Intermediates the broker sent.
            }
        }

        using var presented = new X509Certificate2(certificate);
        if (custom.Build(presented))
        {
            return true;
        }

        throw new AuthenticationException(
            $"The broker's certificate ({certificate.Subject}, issued by {certificate.Issuer}) does not chain to a CA in " +
            $"Wirewatch:RabbitMq:TlsCaFile '{_caFile}': {Describe(custom)}.");
    }

    private static string Describe(X509Chain? chain)
    {
        var problems = chain?.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct().ToList();
        return problems is { Count: > 0 } ? string.Join("; ", problems) : "no trusted root";
    }
}
