using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Wirewatch.Tests.Shared;

/// <summary>
/// A throwaway certificate authority made on the fly (nothing in the repository): a CA, a server certificate for
/// <c>localhost</c> and <c>127.0.0.1</c> and a client certificate it signed, written as PEM files into
/// <paramref name="Folder"/>, the way an operator's own CA would hand them out.
/// </summary>
public sealed record TestCertificates(string Folder)
{
    public string CaFile => Path.Combine(Folder, "ca.pem");
    public string ServerCertificateFile => Path.Combine(Folder, "server.pem");
    public string ServerKeyFile => Path.Combine(Folder, "server-key.pem");
    public string ClientCertificateFile => Path.Combine(Folder, "client.pem");
    public string ClientKeyFile => Path.Combine(Folder, "client-key.pem");

    /// <summary>Creates a fresh CA and its server and client certificates in a new folder under <paramref name="parent"/>.</summary>
    public static TestCertificates Create(string parent, string caName = "Wirewatch Test CA")
    {
        var certificates = new TestCertificates(Directory.CreateDirectory(Path.Combine(parent, "tls-" + Guid.NewGuid().ToString("N")[..8])).FullName);
        var now = TimeProvider.System.GetUtcNow();

        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        File.WriteAllText(certificates.CaFile, ca.ExportCertificatePem());

        var server = new SubjectAlternativeNameBuilder();
        server.AddDnsName("localhost");
        server.AddIpAddress(IPAddress.Loopback);
        Issue(ca, "CN=localhost", server.Build(), "1.3.6.1.5.5.7.3.1", now, certificates.ServerCertificateFile, certificates.ServerKeyFile); // serverAuth
        Issue(ca, "CN=wirewatch-test-client", null, "1.3.6.1.5.5.7.3.2", now, certificates.ClientCertificateFile, certificates.ClientKeyFile); // clientAuth
        return certificates;
    }

    private static void Issue(X509Certificate2 ca, string subject, X509Extension? names, string usage, DateTimeOffset now, string certificateFile, string keyFile)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (names is not null)
        {
            request.CertificateExtensions.Add(names);
        }

        using var issued = request.Create(ca, now.AddDays(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(12));
        File.WriteAllText(certificateFile, issued.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportRSAPrivateKeyPem()); // PKCS#1: what every TLS stack reads, Erlang's included.
    }
}
