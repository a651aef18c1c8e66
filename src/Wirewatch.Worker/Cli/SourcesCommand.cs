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
    /// <summary>Sources checked at once: enough to hide network waits, few enough to stay polite on a shared host.</summary>
    private const int ParallelChecks = 16;

    public static async Task<int> CheckAsync(string? sourcesFile, bool json, string? configFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var configuration = WorkerConfiguration.Build(configFile);
        var settings = WirewatchSettings.Read(configuration);
        if (sourcesFile is not null && !File.Exists(sourcesFile))
        {
            throw new CliInputException($"--sources: file '{sourcesFile}' does not exist.");
        }

        var catalog = SourceCatalog.Load(sourcesFile ?? settings.SourcesPath);
        // A scratch store: a check marks nothing as seen in the real one. A one-off check of feeds on this machine need
        // not wait a second per feed.
        await using var fetcher = ScratchFetcher.Create(configuration, catalog, o => o.PaceLoopback = false);
        // Sources are checked side by side (each host is still paced and guarded as in a cycle); rows keep the file's order.
        var checker = fetcher.Services.GetRequiredService<SourceChecker>();
        using var slots = new SemaphoreSlim(ParallelChecks);
        var checks = catalog.Enabled.Select(async source =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                return await checker.CheckAsync(source, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        var rows = new List<SourceCheck>();
        foreach (var check in checks)
        {
            var row = await check;
            rows.Add(row);
            if (json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    type = "source", id = row.Id, kind = row.Kind, url = row.Location, reachable = row.Reachable, ok = row.Ok,
                    status = row.Status, items = row.Items, parseErrors = row.ParseErrors, ms = row.Milliseconds, error = row.Error,
                    format = row.Format, warnings = row.Warnings,
                }, WireJson.Options));
            }
        }

        if (!json)
        {
            await stdout.WriteAsync(Table(rows));
        }

        return rows.All(r => r.Ok) ? WirewatchCli.Success : WirewatchCli.Failure;
    }

    /// <summary>
    /// <c>wirewatch sources import FILE.opml [--kind K] [--sources F]</c>: every feed outline becomes a source of kind K in
    /// F (default: the configured sources file), merged with what F holds. The result is validated before it replaces F.
    /// </summary>
    public static async Task<int> ImportAsync(string opmlFile, string kind, string? sourcesFile, string? configFile, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (!File.Exists(opmlFile))
        {
            throw new CliInputException($"'{opmlFile}' does not exist: give an OPML file exported from a feed reader.");
        }

        if (kind is not (SourceKinds.Feed or SourceKinds.Rss or SourceKinds.Atom or SourceKinds.Auto))
        {
            throw new CliInputException($"--kind must be feed, rss, atom or auto (was '{kind}').");
        }

        var target = sourcesFile ?? WirewatchSettings.Read(WorkerConfiguration.Build(configFile)).SourcesPath;
        IReadOnlyList<SourcesOpml.Outline> outlines;
        try
        {
            outlines = SourcesOpml.Read(await File.ReadAllTextAsync(opmlFile, cancellationToken));
        }
        catch (InvalidDataException e)
        {
            throw new CliInputException($"'{opmlFile}' is {e.Message}");
        }

        // The file merged into is checked as the worker reads it first, so a broken one is named with its line and
        // column (or its source and field), not reported as the scratch file's problem after the merge.
        string? existing = null;
        if (File.Exists(target))
        {
            SourceCatalog.Load(target);
            existing = await File.ReadAllTextAsync(target, cancellationToken);
        }

        var result = SourcesOpml.Merge(existing, outlines, kind);

        // Written beside the target and validated as the worker would read it; only a valid file replaces the old one.
        var scratch = target + ".importing";
        await File.WriteAllTextAsync(scratch, result.Json, cancellationToken);
        try
        {
            SourceCatalog.Load(scratch);
            File.Move(scratch, target, overwrite: true);
        }
        finally
        {
            File.Delete(scratch);
        }

        await stdout.WriteLineAsync(
            $"Imported {result.Added.Count} source(s) into {target}{(result.Added.Count > 0 ? ": " + string.Join(", ", result.Added) : "")}; " +
            $"{result.AlreadyPresent} already present, {result.Unusable} without an http(s) xmlUrl.");
        return WirewatchCli.Success;
    }

    /// <summary><c>wirewatch sources export [--sources F] [--output FILE]</c>: the web feed sources as OPML 2.0, for a feed reader.</summary>
    public static async Task<int> ExportAsync(string? sourcesFile, string? outputFile, string? configFile, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (sourcesFile is not null && !File.Exists(sourcesFile))
        {
            throw new CliInputException($"--sources: file '{sourcesFile}' does not exist.");
        }

        var catalog = SourceCatalog.Load(sourcesFile ?? WirewatchSettings.Read(WorkerConfiguration.Build(configFile)).SourcesPath);
        var opml = SourcesOpml.Write(catalog.Sources);
        if (outputFile is null)
        {
            await stdout.WriteAsync(opml);
        }
        else
        {
            await File.WriteAllTextAsync(outputFile, opml, cancellationToken);
        }

        return WirewatchCli.Success;
    }

    private static string Table(IReadOnlyList<SourceCheck> rows)
    {
        string[] header = ["SOURCE", "KIND", "REACHABLE", "STATUS", "ITEMS", "PARSE ERRORS", "MS", "FORMAT", "URL / ERROR"];
        var cells = rows.Select(r => new[]
        {
            r.Id, r.Kind, r.Reachable ? "yes" : "no", r.Status?.ToString(CultureInfo.InvariantCulture) ?? "-",
            r.Items.ToString(CultureInfo.InvariantCulture), r.ParseErrors.ToString(CultureInfo.InvariantCulture),
            r.Milliseconds.ToString(CultureInfo.InvariantCulture), r.Format ?? "-",
            r.Error ?? (r.Warnings is null ? r.Location : $"{r.Location} ({r.Warnings})"),
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
