using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Quartz;
using Wirewatch.Fetching.Scheduling;

namespace Wirewatch.Fetching;

public static class FetcherRegistration
{
    /// <summary>The client for every host that is not the source's own: it refuses private addresses at connect time.</summary>
    public const string PublicClient = "wirewatch-fetch";

    /// <summary>The client for the source's own host (or a source with <c>allowPrivate</c>): any address.</summary>
    public const string TrustedClient = "wirewatch-fetch-trusted";

    /// <summary>
    /// The fetcher's services: the two HTTP clients with their Polly pipelines, the fetch cycle, and,
    /// when <paramref name="schedule"/> is set, one Quartz job per enabled source; with <paramref name="sourcesFile"/> as
    /// well, those jobs follow the file's changes without a restart (<see cref="SourcesReloader"/>).
    /// <see cref="FetcherOptions"/> are bound from <see cref="FetcherOptions.Section"/> of the host's configuration, when
    /// there is one, and validated at start. The <see cref="ISeenStore"/> comes from the state seam (Wirewatch.State).
    /// With <paramref name="clustered"/>, the schedule lives in that PostgreSQL database and is shared by every fetcher
    /// replica (<see cref="ClusteredSchedule"/>); without it, in memory.
    /// </summary>
    public static IServiceCollection AddFetcher(
        this IServiceCollection services, SourceCatalog catalog, bool schedule, string? sourcesFile = null, ClusteredSchedule? clustered = null)
    {
        services.AddSingleton(catalog);
        services.AddSingleton(new SourceRegistry(catalog));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics(); // IMeterFactory, when the host has not added it
        services.AddSingleton<FetchTelemetry>();
        services.AddSingleton<IValidateOptions<FetcherOptions>, FetcherOptionsValidator>();
        services.AddOptions<FetcherOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(FetcherOptions.Section).Bind(o))
            .ValidateOnStart();
        services.AddSingleton<HostPacer>();
        services.AddSingleton<HostFailures>();
        services.AddSingleton<SourceHealth>();
        services.AddSingleton<WebFetcher>();
        services.AddSingleton<SourceReader>();
        services.AddSingleton<FetchCycle>();
        services.AddSingleton<SourceChecker>();
        services.AddTransient<FetchSourceJob>();

        AddClient(services, PublicClient, publicOnly: true);
        AddClient(services, TrustedClient, publicOnly: false);

        if (schedule)
        {
            if (clustered is not null)
            {
                // The shared store's jobs are reconciled by ClusteredScheduleStarter, before the scheduler starts.
                services.AddSingleton(clustered);
                services.AddQuartz(clustered.Configure);
                services.AddHostedService<ClusteredScheduleStarter>();
            }
            else
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
            }

            // Read when the scheduler is built, after configuration binding (AddQuartz's own callback runs earlier).
            services.AddOptions<QuartzOptions>().Configure<IOptions<FetcherOptions>>((quartz, fetcher) =>
                quartz["quartz.threadPool.maxConcurrency"] = fetcher.Value.MaxConcurrentFetches.ToString(System.Globalization.CultureInfo.InvariantCulture));
            services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
            if (sourcesFile is not null)
            {
                services.AddHostedService(sp => ActivatorUtilities.CreateInstance<SourcesReloader>(sp, Path.GetFullPath(sourcesFile)));
            }
        }

        return services;
    }

    /// <summary>
    /// Starts now, then on the source's interval or cron (in its time zone). After downtime (or a start slower than
    /// Quartz's misfire threshold, which would otherwise skip the first cycle) a source runs once at once, not once per
    /// missed fire: the cron trigger fires once and proceeds; the interval trigger fires now and counts its interval from
    /// there.
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
            .WithMisfireHandlingInstructionNowWithExistingCount());
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
                .WithMisfireHandlingInstructionNowWithExistingCount());
    }

    private static TimeZoneInfo ZoneOf(SourceDefinition source) =>
        source.TimeZone is { } id && SourceCatalog.TryFindTimeZone(id, out var found) ? found : TimeZoneInfo.Utc;

    private static void AddClient(IServiceCollection services, string name, bool publicOnly)
    {
        var http = services.AddHttpClient(name, (sp, client) =>
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
            });
        http.AddResilienceHandler(name, (builder, context) =>
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

        // Under the pipeline, so it sees every attempt (the breaker hides the cause once it opens).
        http.AddHttpMessageHandler(sp => new HostFailureRecorder(sp.GetRequiredService<HostFailures>()));
    }

    /// <summary>A refused private address is a verdict, not a hiccup: never retried, never counted against the host.</summary>
    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        !AddressGuard.IsRefusal(outcome.Exception) && HttpClientResiliencePredicates.IsTransient(outcome);
}
