using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wirewatch.Contracts;
using Wirewatch.Fetching;
using Wirewatch.Hosting;
using Wirewatch.State;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// <c>wirewatch sources check [--sources F] [--json]</c>: lists every enabled source once with the fetcher's own HTTP
/// client (robots, caps, private-address guard and all) and prints whether it answered. Nothing is published, nothing
/// marked seen, no state kept (a throw-away state store). Exit 0 when every source answered with a usable listing, 1
/// otherwise, 2 for a bad sources file or configuration.
/// </summary>
internal static class SourcesCommand
{
    public static async Task<int> CheckAsync(string? sourcesFile, bool json, string? configFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var configuration = WorkerConfiguration.Build(configFile);
        var settings = WirewatchSettings.Read(configuration);
        if (sourcesFile is not null && !File.Exists(sourcesFile))
        {
            throw new CliInputException($"--sources: file '{sourcesFile}' does not exist.");
        }

        var catalog = SourceCatalog.Load(sourcesFile ?? settings.SourcesPath);
        var scratch = Directory.CreateTempSubdirectory("wirewatch-check-").FullName;
        try
        {
            var services = new ServiceCollection();
            services.AddLogging(l => l.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton(configuration);
            // A scratch store: a check marks nothing as seen in the real one.
            services.AddWirewatchState(StateLocation.Sqlite(Path.Combine(scratch, "check.db")));
            services.AddFetcher(catalog, schedule: false);
            services.PostConfigure<FetcherOptions>(o => o.DataDir = Path.GetFullPath(settings.Options.DataDir));
            await using var provider = services.BuildServiceProvider(validateScopes: true);
            _ = provider.GetRequiredService<IOptions<FetcherOptions>>().Value; // Bad settings: exit 2 before any request.

            var checker = provider.GetRequiredService<SourceChecker>();
            var rows = new List<SourceCheck>();
            foreach (var source in catalog.Enabled)
            {
                var row = await checker.CheckAsync(source, cancellationToken);
                rows.Add(row);
                if (json)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        type = "source", id = row.Id, kind = row.Kind, url = row.Location, reachable = row.Reachable, ok = row.Ok,
                        status = row.Status, items = row.Items, parseErrors = row.ParseErrors, ms = row.Milliseconds, error = row.Error,
                    }, WireJson.Options));
                }
            }

            if (!json)
            {
                await stdout.WriteAsync(Table(rows));
            }

            return rows.All(r => r.Ok) ? WirewatchCli.Success : WirewatchCli.Failure;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static string Table(IReadOnlyList<SourceCheck> rows)
    {
        string[] header = ["SOURCE", "KIND", "REACHABLE", "STATUS", "ITEMS", "PARSE ERRORS", "MS", "URL / ERROR"];
        var cells = rows.Select(r => new[]
        {
            r.Id, r.Kind, r.Reachable ? "yes" : "no", r.Status?.ToString(CultureInfo.InvariantCulture) ?? "-",
            r.Items.ToString(CultureInfo.InvariantCulture), r.ParseErrors.ToString(CultureInfo.InvariantCulture),
            r.Milliseconds.ToString(CultureInfo.InvariantCulture), r.Error ?? r.Location,
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length - 1).Select(i => cells.Max(c => c[i].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in cells)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i < widths.Length ? cell.PadRight(widths[i]) : cell)).TrimEnd());
        }

        var failing = rows.Count(r => !r.Ok);
        text.AppendLine(failing == 0 ? $"{rows.Count} source(s), all reachable." : $"{rows.Count} source(s), {failing} not reachable or not readable.");
        return text.ToString();
    }
}
