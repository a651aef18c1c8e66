using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wirewatch.Alerting;
using Wirewatch.Fetching;
using Wirewatch.Hosting;
using Wirewatch.Worker.Composition;

namespace Wirewatch.Worker.Cli;

internal sealed record OnceArguments(string[] Sources, string? Subscriptions, string? DataDir, bool Json, TimeSpan Timeout, string? ConfigFile);

/// <summary>
/// <c>wirewatch once</c>: every role in this process on the in-memory bus, one fetch cycle per source, then waits until
/// each published article was alerted on (or rejected) and exits.
/// </summary>
internal static class OnceCommand
{
    public static async Task<int> RunAsync(OnceArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var sources = ParseSources(args.Sources);
        if (args.Subscriptions is { } subscriptionsFile && !File.Exists(subscriptionsFile))
        {
            throw new CliInputException($"--subscriptions: file '{subscriptionsFile}' does not exist.");
        }

        var temporary = args.DataDir is null ? Directory.CreateTempSubdirectory("wirewatch-once-").FullName : null;
        try
        {
            return await RunPipelineAsync(args, sources, args.DataDir ?? temporary!, stdout, stderr, cancellationToken);
        }
        finally
        {
            if (temporary is not null)
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static async Task<int> RunPipelineAsync(OnceArguments args, SourceCatalog sources, string dataDir, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        var overrides = new Dictionary<string, string?>
        {
            ["Wirewatch:Transport"] = Transports.InMemory,
            ["Wirewatch:Roles"] = "all",
            ["Wirewatch:DataDir"] = Path.GetFullPath(dataDir),
        };
        if (args.Subscriptions is not null)
        {
            overrides["Wirewatch:SubscriptionsFile"] = Path.GetFullPath(args.Subscriptions);
        }

        WorkerConfiguration.Layer(builder.Configuration, args.ConfigFile);
        // once runs every role on the in-memory bus whatever is configured, but a configured value that `run` would
        // refuse is refused here too: the same file must not pass one command and stop the other.
        WirewatchOptionsValidator.ThrowOnBadTransportOrRoles(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(overrides);
        var settings = builder.AddWirewatch(scheduleFetches: false, sources);
        var output = new CliOutput(stdout, args.Json);
        // With the console role (part of 'all'), the recorder stores each classification for 'subscriptions test'.
        var tracker = new PipelineTracker(output, settings.Has(WirewatchRoles.Console) ? 2 : 1);
        builder.Services.AddSingleton<IAlertObserver>(tracker);

        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var bus = host.Services.GetRequiredService<IBus>();
        using var publishes = bus.ConnectPublishObserver(tracker);
        using var consumes = bus.ConnectConsumeObserver(tracker);

        var status = WirewatchCli.Success;
        var cycle = host.Services.GetRequiredService<FetchCycle>();
        foreach (var source in sources.Enabled)
        {
            try
            {
                var result = await cycle.RunAsync(source, bus, cancellationToken);
                tracker.Expect(result.Published);
                foreach (var failure in result.Failures)
                {
                    output.Rejected("url", failure.Url, failure.Reason, failure.Message);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // One source that fails (even on a bug) is reported and the others still run.
                var reason = e is FetchFailedException f ? f.Reason : "unexpected";
                output.Rejected("url", source.Url ?? source.Path ?? source.Id, reason, e.Message);
                await stderr.WriteLineAsync($"wirewatch: source '{source.Id}' failed: {e.Message}");
                status = WirewatchCli.Failure;
            }
        }

        var finished = await tracker.WaitAsync(args.Timeout, cancellationToken);
        await host.StopAsync(CancellationToken.None);
        if (!finished)
        {
            await stderr.WriteLineAsync($"wirewatch: the pipeline did not finish within {args.Timeout.TotalSeconds:0} s; unfinished: {string.Join(", ", tracker.Unfinished)}");
            return WirewatchCli.Failure;
        }

        output.Note(tracker.Expected == 0
            ? $"Nothing new: every article was seen before (data dir {Path.GetFullPath(dataDir)})."
            : $"{tracker.Expected} article(s): {tracker.ClassifiedCount} classified, {tracker.AlertCount} alert(s), {tracker.RejectedCount} rejected.");
        return status;
    }

    /// <summary>Each <c>--source</c> is a folder, a file or an http(s) URL; none means the samples shipped with the worker.</summary>
    private static SourceCatalog ParseSources(string[] values)
    {
        if (values.Length == 0)
        {
            values = [Path.Combine(AppContext.BaseDirectory, "samples")];
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var sources = new List<SourceDefinition>();
        foreach (var value in values)
        {
            SourceDefinition source;
            if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                source = new SourceDefinition { Id = uri.Host, Kind = SourceKinds.Auto, Url = uri.AbsoluteUri };
            }
            else if (Directory.Exists(value))
            {
                var full = Path.GetFullPath(value);
                source = new SourceDefinition { Id = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)), Kind = SourceKinds.Directory, Path = full };
            }
            else if (File.Exists(value))
            {
                var full = Path.GetFullPath(value);
                source = new SourceDefinition { Id = Path.GetFileNameWithoutExtension(full), Kind = SourceKinds.File, Path = full };
            }
            else
            {
                throw new CliInputException($"--source '{value}' does not exist: give a folder, a file, or an http(s) URL.");
            }

            var id = source.Id;
            for (var n = 2; !ids.Add(id); n++)
            {
                id = $"{source.Id}-{n}";
            }

            sources.Add(source with { Id = id });
        }

        return new SourceCatalog(sources);
    }
}
