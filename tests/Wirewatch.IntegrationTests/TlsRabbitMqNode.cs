using Wirewatch.Tests.Shared;

namespace Wirewatch.IntegrationTests;

/// <summary>
/// A private node that also listens for AMQPS (<see cref="RabbitMqNode.TlsPort"/>) with a server certificate from a CA
/// made for this run, and requires clients there to present a certificate from the same CA.
/// </summary>
public sealed class TlsRabbitMqNode() : RabbitMqNode(root =>
{
    var certificates = TestCertificates.Create(root);
    return new TlsListenerFiles(certificates.CaFile, certificates.ServerCertificateFile, certificates.ServerKeyFile);
})
{
    /// <summary>The CA, the server's and a client's certificates and keys (PEM files).</summary>
    public TestCertificates Certificates => new(Path.GetDirectoryName(TlsFiles!.CaFile)!);
}

[CollectionDefinition("rabbitmq-tls")]
public sealed class TlsRabbitMqCollection : ICollectionFixture<TlsRabbitMqNode>;
