namespace Wirewatch.Hosting;

/// <summary>Bound from the <c>Wirewatch</c> section (environment: <c>Wirewatch__Key</c>).</summary>
public sealed class WirewatchOptions
{
    public const string Section = "Wirewatch";

    /// <summary><c>InMemory</c> (embedded, no broker) or <c>RabbitMq</c>.</summary>
    public string Transport { get; set; } = Transports.InMemory;

    /// <summary><c>all</c>, or a comma-separated list of <c>fetcher</c>, <c>cleaner</c>, <c>classifier</c>, <c>alerter</c>, <c>console</c>.</summary>
    public string Roles { get; set; } = "all";

    /// <summary>State (SQLite: seen URLs, validators, alert ledger) and relative directory sources live here.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Data files; when unset, the defaults shipped beside the executable (<c>defaults/*.json</c>).</summary>
    public string? SourcesFile { get; set; }
    public string? SubscriptionsFile { get; set; }
    public string? TopicsFile { get; set; }
    public string? EntitiesFile { get; set; }
    public string? CleaningRulesFile { get; set; }

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>How many messages each consumer works on at once.</summary>
    public int ConcurrentMessages { get; set; } = 8;
}

public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "localhost";
    public int Port { get; set; } = 5672;

    /// <summary>
    /// The nodes of a RabbitMQ cluster, comma-separated <c>host[:port]</c> (IPv6 in brackets; <see cref="Port"/> where a
    /// node gives none). When set it replaces <see cref="Host"/>: the bus connects to the first node that answers and,
    /// when that node goes away, to the next (MassTransit's <c>UseCluster</c>).
    /// </summary>
    public string? Hosts { get; set; }

    public string VirtualHost { get; set; } = "/";

    /// <summary>
    /// <c>guest</c> only works on a broker on this machine (RabbitMQ refuses it from elsewhere, and its password is
    /// public), so Wirewatch refuses it for any other <see cref="Host"/> (or node of <see cref="Hosts"/>).
    /// </summary>
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";

    /// <summary>A file holding the user name (a mounted Kubernetes or compose secret); replaces <see cref="Username"/>.</summary>
    public string? UsernameFile { get; set; }

    /// <summary>A file holding the password (a mounted Kubernetes or compose secret); replaces <see cref="Password"/>.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>AMQPS (usually port 5671). The broker's certificate is always validated: against the system's trusted roots, or <see cref="TlsCaFile"/>.</summary>
    public bool UseTls { get; set; }

    /// <summary>PEM file of the CA certificate(s) that signed the broker's certificate: trusted for the broker alone, instead of the system's roots.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>The name the broker's certificate must carry (DNS name or IP address); <see cref="Host"/> when unset.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>PEM files of a client certificate and its (unencrypted) private key, for brokers that require one (<c>fail_if_no_peer_cert</c>).</summary>
    public string? TlsClientCertificateFile { get; set; }
    public string? TlsClientKeyFile { get; set; }

    /// <summary>
    /// <c>quorum</c> (default: replicated, counts redeliveries, so a poison message cannot crash-loop a worker) or
    /// <c>classic</c>. Decides how Wirewatch declares its consumer queues; an existing queue keeps its type.
    /// </summary>
    public string QueueType { get; set; } = QueueTypes.Quorum;

    /// <summary>
    /// How long the broker may refuse every publication (negative confirms, nothing accepted in between) before the
    /// worker stops with exit code 75 so its orchestrator starts a fresh one; zero never. RabbitMQ 3.10 can leave a
    /// channel that published to a quorum queue whose leader died refusing every later message; only new channels
    /// mend it, and MassTransit keeps the channel (<see cref="Wirewatch.Hosting.RefusedPublishWatchdog"/>).
    /// </summary>
    public TimeSpan RefusedPublishExitAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Returns (unacknowledged deliveries) after which a message goes to <c>&lt;queue&gt;_error</c> unprocessed.</summary>
    public int DeliveryLimit { get; set; } = 5;
}

public static class QueueTypes
{
    public const string Quorum = "quorum";
    public const string Classic = "classic";
}

public static class Transports
{
    public const string InMemory = "InMemory";
    public const string RabbitMq = "RabbitMq";
}

[Flags]
public enum WirewatchRoles
{
    None = 0,
    Fetcher = 1,
    Cleaner = 2,
    Classifier = 4,
    Alerter = 8,

    /// <summary>The web console and its recorder (article store, alerts, search, backtest): docs/console.md.</summary>
    Console = 16,
    All = Fetcher | Cleaner | Classifier | Alerter | Console,
}
