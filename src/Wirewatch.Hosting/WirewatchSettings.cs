using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Wirewatch.Hosting;

/// <summary>
/// Reads and validates the <c>Wirewatch</c> section before anything is composed: roles decide what gets registered,
/// so a wrong value must stop the worker at once with a message that names the key.
/// </summary>
public sealed record WirewatchSettings(WirewatchOptions Options, WirewatchRoles Roles)
{
    public static string DefaultsFolder => Path.Combine(AppContext.BaseDirectory, "defaults");

    public string SourcesPath => Options.SourcesFile ?? Path.Combine(DefaultsFolder, "sources.json");
    public string SubscriptionsPath => Options.SubscriptionsFile ?? Path.Combine(DefaultsFolder, "subscriptions.json");
    public string TopicsPath => Options.TopicsFile ?? Path.Combine(DefaultsFolder, "topics.json");
    public string EntitiesPath => Options.EntitiesFile ?? Path.Combine(DefaultsFolder, "entities.json");
    public string CleaningRulesPath => Options.CleaningRulesFile ?? Path.Combine(DefaultsFolder, "cleaning-rules.json");

    public bool Has(WirewatchRoles role) => (Roles & role) == role;

    public static WirewatchSettings Read(IConfiguration configuration)
    {
        var options = new WirewatchOptions();
        try
        {
            configuration.GetSection(WirewatchOptions.Section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new WirewatchConfigurationException($"Configuration section '{WirewatchOptions.Section}' has a value of the wrong type: {e.Message}");
        }

        var failures = ReadCredentialFiles(options.RabbitMq, configuration.GetSection(WirewatchOptions.Section).GetSection("RabbitMq"));
        var result = new WirewatchOptionsValidator().Validate(null, options);
        if (result.Failed || failures.Count > 0)
        {
            throw new WirewatchConfigurationException(string.Join(Environment.NewLine, failures.Concat(result.Failures ?? [])));
        }

        return new WirewatchSettings(options, ParseRoles(options.Roles)!.Value);
    }

    /// <summary>
    /// <c>UsernameFile</c> and <c>PasswordFile</c> (mounted secrets) replace <c>Username</c> and <c>Password</c>; setting
    /// both of a pair is a mistake worth stopping for. One trailing line break is dropped (<c>echo pw &gt; file</c>).
    /// Messages name the key and the file, never what it holds.
    /// </summary>
    private static List<string> ReadCredentialFiles(RabbitMqOptions rabbit, IConfigurationSection section)
    {
        var failures = new List<string>();
        string? Read(string key, string? path, string valueKey)
        {
            if (string.IsNullOrEmpty(path))
            {
                return null;
            }

            if (section[valueKey] is not null)
            {
                failures.Add($"Wirewatch:RabbitMq:{valueKey} and Wirewatch:RabbitMq:{key} are both set: keep one (the file, for a mounted secret).");
                return null;
            }

            try
            {
                var text = File.ReadAllText(path);
                text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
                if (text.Length == 0)
                {
                    failures.Add($"Wirewatch:RabbitMq:{key}: file '{path}' is empty.");
                    return null;
                }

                return text;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"Wirewatch:RabbitMq:{key}: cannot read '{path}' ({e.GetType().Name}: {e.Message}).");
                return null;
            }
        }

        if (Read(nameof(RabbitMqOptions.UsernameFile), rabbit.UsernameFile, nameof(RabbitMqOptions.Username)) is { } username)
        {
            rabbit.Username = username;
        }

        if (Read(nameof(RabbitMqOptions.PasswordFile), rabbit.PasswordFile, nameof(RabbitMqOptions.Password)) is { } password)
        {
            rabbit.Password = password;
        }

        return failures;
    }

    /// <summary>Null when the text names an unknown role.</summary>
    public static WirewatchRoles? ParseRoles(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var roles = WirewatchRoles.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            WirewatchRoles? role = name.ToLowerInvariant() switch
            {
                "all" => WirewatchRoles.All,
                "fetcher" => WirewatchRoles.Fetcher,
                "cleaner" => WirewatchRoles.Cleaner,
                "classifier" => WirewatchRoles.Classifier,
                "alerter" => WirewatchRoles.Alerter,
                "console" => WirewatchRoles.Console,
                _ => null,
            };
            if (role is null)
            {
                return null;
            }

            roles |= role.Value;
        }

        return roles == WirewatchRoles.None ? null : roles;
    }
}

/// <summary>Validates <see cref="WirewatchOptions"/> before the host is composed (stricter than <c>ValidateOnStart</c>: nothing starts with a bad value).</summary>
public sealed class WirewatchOptionsValidator : IValidateOptions<WirewatchOptions>
{
    /// <summary>Only <c>Wirewatch:Transport</c> and <c>Wirewatch:Roles</c>, for a command that overrides both (<c>once</c>) but must refuse what <c>run</c> refuses.</summary>
    public static void ThrowOnBadTransportOrRoles(IConfiguration configuration)
    {
        var section = configuration.GetSection(WirewatchOptions.Section);
        var options = new WirewatchOptions
        {
            Transport = section[nameof(WirewatchOptions.Transport)] ?? Transports.InMemory,
            Roles = section[nameof(WirewatchOptions.Roles)] ?? "all",
        };
        var failures = new List<string>();
        AddTransportAndRoleFailures(options, failures);
        if (failures.Count > 0)
        {
            throw new WirewatchConfigurationException(string.Join(Environment.NewLine, failures));
        }
    }

    private static void AddTransportAndRoleFailures(WirewatchOptions options, List<string> failures)
    {
        if (options.Transport is not (Transports.InMemory or Transports.RabbitMq))
        {
            failures.Add($"Wirewatch:Transport must be '{Transports.InMemory}' or '{Transports.RabbitMq}' (was '{options.Transport}').");
        }

        if (WirewatchSettings.ParseRoles(options.Roles) is null)
        {
            failures.Add($"Wirewatch:Roles must be 'all' or a comma-separated list of fetcher, cleaner, classifier, alerter, console (was '{options.Roles}').");
        }
    }

    public ValidateOptionsResult Validate(string? name, WirewatchOptions options)
    {
        var failures = new List<string>();
        AddTransportAndRoleFailures(options, failures);

        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            failures.Add("Wirewatch:DataDir must name a folder.");
        }

        if (options.ConcurrentMessages is < 1 or > 1000)
        {
            failures.Add($"Wirewatch:ConcurrentMessages must be between 1 and 1000 (was {options.ConcurrentMessages}).");
        }

        if (options.Transport == Transports.RabbitMq)
        {
            if (string.IsNullOrWhiteSpace(options.RabbitMq.Host) && string.IsNullOrWhiteSpace(options.RabbitMq.Hosts))
            {
                failures.Add("Wirewatch:RabbitMq:Host (or Hosts, for a cluster) is required when Wirewatch:Transport is RabbitMq.");
            }

            if (options.RabbitMq.Port is < 1 or > 65535)
            {
                failures.Add($"Wirewatch:RabbitMq:Port must be between 1 and 65535 (was {options.RabbitMq.Port}).");
            }

            if (options.RabbitMq.QueueType is not (QueueTypes.Quorum or QueueTypes.Classic))
            {
                failures.Add($"Wirewatch:RabbitMq:QueueType must be '{QueueTypes.Quorum}' or '{QueueTypes.Classic}' (was '{options.RabbitMq.QueueType}').");
            }

            if (options.RabbitMq.RefusedPublishExitAfter < TimeSpan.Zero)
            {
                failures.Add($"Wirewatch:RabbitMq:RefusedPublishExitAfter must be zero (never) or positive (was {options.RabbitMq.RefusedPublishExitAfter}).");
            }

            if (options.RabbitMq.DeliveryLimit is < 1 or > 100)
            {
                failures.Add($"Wirewatch:RabbitMq:DeliveryLimit must be between 1 and 100 (was {options.RabbitMq.DeliveryLimit}).");
            }

            ValidateSecurity(options.RabbitMq, failures);
        }

        foreach (var (key, path) in new[]
                 {
                     ("SourcesFile", options.SourcesFile), ("SubscriptionsFile", options.SubscriptionsFile),
                     ("TopicsFile", options.TopicsFile), ("EntitiesFile", options.EntitiesFile), ("CleaningRulesFile", options.CleaningRulesFile),
                 })
        {
            if (path is not null && !File.Exists(path))
            {
                failures.Add($"Wirewatch:{key}: file '{path}' does not exist.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    /// <summary>
    /// <c>guest</c> on a broker elsewhere would only loop on ACCESS_REFUSED (RabbitMQ lets it in from localhost alone)
    /// or, on a broker told to allow it, log in with a password everyone knows: either way, stop with a clear message.
    /// TLS files are checked for existence here and read by <see cref="BrokerTls"/>.
    /// </summary>
    private static void ValidateSecurity(RabbitMqOptions rabbit, List<string> failures)
    {
        var nodes = BrokerNodes.Parse(rabbit, failures);
        if (rabbit.Username == "guest" && nodes.FirstOrDefault(n => !IsLoopback(n.Host)) is { } remote)
        {
            failures.Add(
                $"Wirewatch:RabbitMq:Username is 'guest', which RabbitMQ accepts only from the broker's own machine, but " +
                (string.IsNullOrWhiteSpace(rabbit.Hosts) ? $"Wirewatch:RabbitMq:Host is '{remote.Host}'. " : $"Wirewatch:RabbitMq:Hosts names '{remote.Host}'. ") + "Give Wirewatch a user of its own (docs/operations.md#security) and set " +
                "Wirewatch:RabbitMq:Username and Password, or UsernameFile and PasswordFile.");
        }

        if (!rabbit.UseTls && (rabbit.TlsCaFile ?? rabbit.TlsServerName ?? rabbit.TlsClientCertificateFile ?? rabbit.TlsClientKeyFile) is not null)
        {
            failures.Add("Wirewatch:RabbitMq:TlsCaFile, TlsServerName and the client certificate apply only with Wirewatch:RabbitMq:UseTls=true (and usually Port 5671).");
        }

        if ((rabbit.TlsClientCertificateFile is null) != (rabbit.TlsClientKeyFile is null))
        {
            failures.Add("Wirewatch:RabbitMq:TlsClientCertificateFile and TlsClientKeyFile go together: set both or neither.");
        }

        foreach (var (key, path) in new[]
                 {
                     ("TlsCaFile", rabbit.TlsCaFile), ("TlsClientCertificateFile", rabbit.TlsClientCertificateFile), ("TlsClientKeyFile", rabbit.TlsClientKeyFile),
                 })
        {
            if (path is not null && !File.Exists(path))
            {
                failures.Add($"Wirewatch:RabbitMq:{key}: file '{path}' does not exist.");
            }
        }
    }

    /// <summary><c>localhost</c> or a loopback address; any other name counts as elsewhere (no DNS lookup at start).</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
}

/// <summary>Configuration that cannot work; the message says which key and what to fix. The CLI exits with code 2.</summary>
public sealed class WirewatchConfigurationException(string message) : Exception(message);
