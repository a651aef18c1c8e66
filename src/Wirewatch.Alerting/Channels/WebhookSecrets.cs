namespace Wirewatch.Alerting.Channels;

/// <summary>
/// Reads a webhook's signing secret from the environment variable named by <c>secretEnv</c> or the file named by
/// <c>secretFile</c>, at each delivery (so a rotated secret takes effect). Messages never contain the secret.
/// </summary>
public static class WebhookSecrets
{
    /// <summary>The key bytes; throws <see cref="InvalidOperationException"/> saying which variable or file is wrong.</summary>
    public static byte[] Resolve(ChannelDefinition channel)
    {
        string? secret;
        string where;
        if (!string.IsNullOrWhiteSpace(channel.SecretEnv))
        {
            where = $"environment variable '{channel.SecretEnv}'";
            secret = Environment.GetEnvironmentVariable(channel.SecretEnv);
        }
        else if (!string.IsNullOrWhiteSpace(channel.SecretFile))
        {
            where = $"secret file '{channel.SecretFile}'";
            try
            {
                secret = File.ReadAllText(channel.SecretFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"{where} cannot be read: {e.Message}");
            }
        }
        else
        {
            throw new InvalidOperationException("'secretEnv' or 'secretFile' is required");
        }

        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new InvalidOperationException($"{where} is not set or empty");
        }

        try
        {
            return WebhookSignature.ParseSecret(secret.Trim());
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{where}: {e.Message}");
        }
    }
}
