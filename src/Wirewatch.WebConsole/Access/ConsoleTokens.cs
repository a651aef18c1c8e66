using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Wirewatch.WebConsole.Access;

/// <summary>
/// The two bearer tokens of the console: operators (read and replay) and subscribers (read). From the secret files
/// <c>Wirewatch:Console:OperatorTokenFile</c> and <c>SubscriberTokenFile</c>; when a file is not configured, a random
/// token is generated once into the data directory (mode 0600) so a fresh install is never open. Never logged.
/// </summary>
public sealed class ConsoleTokens
{
    public const string OperatorRole = "operator";
    public const string SubscriberRole = "subscriber";
    private const int MinimumLength = 16;

    private readonly byte[] _operator;
    private readonly byte[] _subscriber;

    public ConsoleTokens(string operatorToken, string subscriberToken)
    {
        if (operatorToken == subscriberToken)
        {
            throw new InvalidDataException("Wirewatch:Console: the operator and subscriber tokens must differ.");
        }

        _operator = Encoding.UTF8.GetBytes(operatorToken);
        _subscriber = Encoding.UTF8.GetBytes(subscriberToken);
    }

    /// <summary>The role the token grants, or null. Constant-time comparisons.</summary>
    public string? RoleOf(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(token);
        return CryptographicOperations.FixedTimeEquals(bytes, _operator) ? OperatorRole
            : CryptographicOperations.FixedTimeEquals(bytes, _subscriber) ? SubscriberRole
            : null;
    }

    public static ConsoleTokens Load(ConsoleOptions options, string dataDir, ILogger log) => new(
        Read("OperatorTokenFile", options.OperatorTokenFile, Path.Combine(dataDir, "console-operator.token"), log),
        Read("SubscriberTokenFile", options.SubscriberTokenFile, Path.Combine(dataDir, "console-subscriber.token"), log));

    private static string Read(string key, string? configured, string generated, ILogger log)
    {
        var path = configured ?? generated;
        if (configured is null && !File.Exists(generated))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(generated)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(generated, new UTF8Encoding(false), options))
            {
                writer.Write(Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant());
            }

            log.LogWarning("Wirewatch:Console:{Key} is not set: a token was generated into {Path} (read it from there; set the key to a mounted secret in production)", key, generated);
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Wirewatch:Console:{key}: cannot read '{path}' ({e.GetType().Name}).");
        }

        text = text.TrimEnd('\r', '\n');
        if (text.Length < MinimumLength)
        {
            throw new InvalidDataException($"Wirewatch:Console:{key}: the token in '{path}' must be at least {MinimumLength} characters.");
        }

        return text;
    }
}
