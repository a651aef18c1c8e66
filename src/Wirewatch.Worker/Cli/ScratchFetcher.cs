using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wirewatch.Fetching;
using Wirewatch.Hosting;
using Wirewatch.State;

namespace Wirewatch.Worker.Cli;

/// <summary>
/// The fetcher's services for a one-off command (<c>clean</c>/<c>classify</c> of a URL, <c>sources check</c>): the
/// <c>Wirewatch:Fetcher</c> settings from configuration, and a throw-away SQLite state store (robots.txt cache, seen
/// URLs) in a temporary folder, so a command marks nothing in the real one. Disposing deletes the folder.
/// </summary>
internal sealed class ScratchFetcher : IAsyncDisposable
{
    private readonly string _scratch;

    private ScratchFetcher(ServiceProvider services, string scratch) => (Services, _scratch) = (services, scratch);

    public ServiceProvider Services { get; }

    /// <summary>Bad fetcher settings throw here (exit 2), before any request.</summary>
    public static ScratchFetcher Create(IConfiguration configuration, SourceCatalog catalog, Action<FetcherOptions>? adjust = null)
    {
        var settings = WirewatchSettings.Read(configuration);
        var scratch = Directory.CreateTempSubdirectory("wirewatch-cli-").FullName;
        try
        {
            var services = new ServiceCollection();
            services.AddLogging(l => l.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton(configuration); // AddFetcher binds Wirewatch:Fetcher from it
            services.AddWirewatchState(StateLocation.Sqlite(Path.Combine(scratch, "wirewatch.db")));
            services.AddFetcher(catalog, schedule: false);
            services.PostConfigure<FetcherOptions>(o =>
            {
                o.DataDir = Path.GetFullPath(settings.Options.DataDir);
                adjust?.Invoke(o);
            });
            var provider = services.BuildServiceProvider(validateScopes: true);
            try
            {
                _ = provider.GetRequiredService<IOptions<FetcherOptions>>().Value;
            }
            catch
            {
                provider.Dispose();
                throw;
            }

            return new ScratchFetcher(provider, scratch);
        }
        catch
        {
            Directory.Delete(scratch, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }
}
