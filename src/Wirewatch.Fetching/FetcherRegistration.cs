using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Quartz;

namespace Wirewatch.Fetching;

public static class FetcherRegistration
{
    /// <summary>The client for every host that is not the source's own: it refuses private addresses at connect time.</summary>
    public const string PublicClient = "wirewatch-fetch";

    /// <summary>The client for the source's own host (or a source with <c>allowPrivate</c>): any address.</summary>
    public const string TrustedClient = "wirewatch-fetch-trusted";

    /// <summary>
    /// The fetcher's services: the two HTTP clients with their Polly pipelines, the state store, the fetch cycle, and,
    /// when <paramref name="schedule"/> is set, one Quartz job per enabled source; with <paramref name="sourcesFile"/> as
    /// well, those jobs follow the file's changes without a restart (<see cref="SourcesReloader"/>).
    /// </summary>
    public static IServiceCollection AddFetcher(this IServiceCollection services, SourceCatalog catalog, string databasePath, bool schedule, string? sourcesFile = null)
    {
        services.AddSingleton(catalog);
        services.AddSingleton(new SourceRegistry(catalog));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SqliteSeenStore>(_ => new SqliteSeenStore(databasePath));
        services.AddSingleton<ISeenStore>(sp => sp.GetRequiredService<SqliteSeenStore>());
        services.AddSingleton<IValidateOptions<FetcherOptions>, FetcherOptionsValidator>();
        services.AddOptions<FetcherOptions>().ValidateOnStart();
        services.AddSingleton<HostPacer>();
        services.AddSingleton<SourceHealth>();
        services.AddSingleton<ISourceStatusStore>(_ => new SqliteSourceStatusStore(databasePath));
        services.AddSingleton<WebFetcher>();
        services.AddSingleton<SourceReader>();
        services.AddSingleton<FetchCycle>();
        services.AddSingleton<SourceChecker>();
        services.AddTransient<FetchSourceJob>();

        AddClient(services, PublicClient, publicOnly: true);
        AddClient(services, TrustedClient, publicOnly: false);

        if (schedule)
        {
            services.AddQuartz(quartz =>
            {
                foreach (var source in catalog.Enabled)
                {
                    var job = SourcesReloader.JobKeyFor(source.Id);
                    quartz.AddJob<FetchSourceJob>(job, j => j.UsingJobData(FetchSourceJob.SourceIdKey, source.Id));
                    quartz.AddTrigger(trigger => ConfigureTrigger(trigger.ForJob(job).WithIdentity($"fetch-{source.Id}-trigger", SourcesReloader.JobGroup), source));
                }
            });
            services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
            if (sourcesFile is not null)
            {
                services.AddHostedService(sp => ActivatorUtilities.CreateInstance<SourcesReloader>(sp, Path.GetFullPath(sourcesFile)));
            }
        }

        return services;
    }

    /// <summary>
    /// Starts now, then on the source's interval or cron (in its time zone). After downtime a source runs once, not once
    /// per missed fire: the cron trigger fires once and proceeds, the interval trigger waits for its next slot.
    /// </summary>
    private static ITriggerConfigurator ConfigureTrigger(ITriggerConfigurator trigger, SourceDefinition source)
    {
        trigger.StartNow();
        if (source.Cron is { } cron)
        {
            return trigger.WithCronSchedule(cron, c => c.InTimeZone(ZoneOf(source)).WithMisfireHandlingInstructionFireAndProceed());
        }

        return trigger.WithSimpleSchedule(s => s
            .WithInterval(source.Interval ?? TimeSpan.FromMinutes(5))
            .RepeatForever()
            .WithMisfireHandlingInstructionNextWithRemainingCount());
    }

    /// <summary>The same schedule for a <see cref="TriggerBuilder"/> (used when sources are reloaded).</summary>
    internal static TriggerBuilder ConfigureTrigger(TriggerBuilder trigger, SourceDefinition source)
    {
        trigger.StartNow();
        return source.Cron is { } cron
            ? trigger.WithCronSchedule(cron, c => c.InTimeZone(ZoneOf(source)).WithMisfireHandlingInstructionFireAndProceed())
            : trigger.WithSimpleSchedule(s => s
                .WithInterval(source.Interval ?? TimeSpan.FromMinutes(5))
                .RepeatForever()
                .WithMisfireHandlingInstructionNextWithRemainingCount());
    }

    private static TimeZoneInfo ZoneOf(SourceDefinition source) =>
        source.TimeZone is { } id && SourceCatalog.TryFindTimeZone(id, out var found) ? found : TimeZoneInfo.Utc;

    private static void AddClient(IServiceCollection services, string name, bool publicOnly)
    {
        services.AddHttpClient(name, (sp, client) =>
            {
                client.DefaultRequestHeaders.UserAgent.ParseAdd(sp.GetRequiredService<IOptions<FetcherOptions>>().Value.UserAgentHeader);
                client.Timeout = Timeout.InfiniteTimeSpan; // Polly's timeouts govern.
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                AllowAutoRedirect = false, // WebFetcher follows redirects itself, checking every hop.
                UseCookies = false,        // Nothing carried from one host, or one source, to another.
                Credentials = null,
                PreAuthenticate = false,
                ConnectCallback = publicOnly ? AddressGuard.ConnectPublicOnlyAsync : null,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .AddResilienceHandler(name, (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<FetcherOptions>>().Value;
                builder.AddTimeout(options.TotalTimeout);
                if (options.Retries > 0)
                {
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        // Transient only: network errors, timeouts, 408, 429 and 5xx; Retry-After is honoured.
                        MaxRetryAttempts = options.Retries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryBaseDelay,
                        MaxDelay = options.TotalTimeout,
                        ShouldRetryAfterHeader = true,
                        ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                    });
                }

                builder
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = options.BreakerFailureRatio,
                        MinimumThroughput = options.BreakerMinimumRequests,
                        SamplingDuration = TimeSpan.FromSeconds(60),
                        BreakDuration = options.BreakerDuration,
                        ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                    })
                    .AddTimeout(options.AttemptTimeout);
            })
            .SelectPipelineByAuthority(); // One breaker (and its counts) per scheme + host + port.
    }

    /// <summary>A refused private address is a verdict, not a hiccup: never retried, never counted against the host.</summary>
    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        !AddressGuard.IsRefusal(outcome.Exception) && HttpClientResiliencePredicates.IsTransient(outcome);
}
