using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Wirewatch.Contracts;
using Wirewatch.Hosting;

namespace Wirewatch.Worker.Cli;

/// <summary>appsettings.json (beside the executable), then environment variables, then <c>--config FILE</c>, then the command's own overrides.</summary>
internal static class WorkerConfiguration
{
    public static void Layer(IConfigurationManager configuration, string? configFile, IDictionary<string, string?>? overrides = null)
    {
        if (configFile is not null)
        {
            var path = Path.GetFullPath(configFile);
            if (!File.Exists(path))
            {
                throw new WirewatchConfigurationException($"--config: file '{configFile}' does not exist.");
            }

            try
            {
                configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
            {
                // The JSON provider wraps the reader's error twice; its line and column are what the user needs.
                var json = e.InnerException?.InnerException as JsonException ?? e.InnerException as JsonException;
                throw new WirewatchConfigurationException(json is null
                    ? $"--config: cannot read '{configFile}': {e.InnerException?.Message ?? e.Message}"
                    : $"--config: {JsonErrors.Describe(configFile, json)}");
            }
        }

        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }
    }

    /// <summary>Configuration for the commands that need no host (<c>clean</c>, <c>classify</c>).</summary>
    public static IConfiguration Build(string? configFile)
    {
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        configuration.AddEnvironmentVariables();
        Layer(configuration, configFile);
        return configuration;
    }
}
