using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// <c>wirewatch health [--url URL]</c>: a probe for images without curl (the container's HEALTHCHECK). GETs the worker's
/// <c>/health/ready</c> (by default on the port of the configured <c>Urls</c>, as <c>run</c> serves it) and exits 0 when
/// it answers 200, 1 otherwise, saying why on stderr.
/// </summary>
internal static partial class HealthCommand
{
    public const string DefaultUrls = "http://localhost:8080";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string? url, string? configFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var target = url ?? ReadyUrlFor(WorkerConfiguration.Build(configFile));
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliInputException($"--url: '{target}' is not an http(s) URL.");
        }

        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await stdout.WriteLineAsync($"{uri}: {body}");
                return WirewatchCli.Success;
            }

            await stderr.WriteLineAsync($"wirewatch: {uri} answered {(int)response.StatusCode}: {body}");
            return WirewatchCli.Failure;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"wirewatch: {uri} did not answer: {e.Message}");
            return WirewatchCli.Failure;
        }
    }

    /// <summary>
    /// The readiness URL of the worker that this configuration starts: the first of <c>Urls</c> (or <c>ASPNETCORE_URLS</c>),
    /// with a wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) replaced by localhost.
    /// </summary>
    public static string ReadyUrlFor(IConfiguration configuration)
    {
        var urls = configuration["Urls"];
        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = configuration["ASPNETCORE_URLS"];
        }

        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = DefaultUrls;
        }

        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var match = ListenUrl().Match(first);
        if (!match.Success)
        {
            throw new CliInputException($"Urls: cannot tell where the worker listens from '{first}'; pass --url.");
        }

        var host = match.Groups["host"].Value;
        if (host is "+" or "*" or "0.0.0.0" or "[::]")
        {
            host = "localhost";
        }

        var port = match.Groups["port"].Success
            ? match.Groups["port"].Value
            : match.Groups["scheme"].Value == "https" ? "443" : "80";
        return string.Create(CultureInfo.InvariantCulture, $"{match.Groups["scheme"].Value}://{host}:{port}/health/ready");
    }

    [GeneratedRegex(@"^(?<scheme>https?)://(?<host>\[[^\]]+\]|[^:/]+)(:(?<port>\d+))?/?$", RegexOptions.IgnoreCase)]
    private static partial Regex ListenUrl();
}
