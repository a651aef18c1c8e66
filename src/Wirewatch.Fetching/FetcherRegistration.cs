using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Quartz;

namespace Wirewatch.Fetching;

public static class FetcherRegistration
{
    public const string HttpPipelineName = "wirewatch-fetch";

    /// <summary>
    /// The fetcher's services: the resilient HTTP client, the seen-store, the fetch cycle, and, when
    /// <paramref name="schedule"/> is set, one Quartz job per enabled source.
    /// </summary>
    public static IServiceCollection AddFetcher(this IServiceCollection services, SourceCatalog catalog, string databasePath, bool schedule)
    {
        services.AddSingleton(catalog);
        services.AddSingleton<SqliteSeenStore>(_ => new SqliteSeenStore(databasePath));
        services.AddSingleton<ISeenStore>(sp => sp.GetRequiredService<SqliteSeenStore>());
        services.AddSingleton<SourceReader>();
        services.AddSingleton<FetchCycle>();
        services.AddTransient<FetchSourceJob>();

        services.AddHttpClient<WebFetcher>((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<FetcherOptions>>().Value;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
                client.Timeout = Timeout.InfiniteTimeSpan; // Polly's timeouts govern.
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                AllowAutoRedirect = true,
                MaxAutomaticRedirections = sp.GetRequiredService<IOptions<FetcherOptions>>().Value.MaxRedirects,
                UseCookies = false,
            })
            .AddResilienceHandler(HttpPipelineName, (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<FetcherOptions>>().Value;
                builder
                    .AddTimeout(options.TotalTimeout)
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        // Transient only: network errors, timeouts, 408, 429 and 5xx; Retry-After is honoured.
                        MaxRetryAttempts = options.Retries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryBaseDelay,
                        ShouldRetryAfterHeader = true,
                    })
                    .AddTimeout(options.AttemptTimeout);
            });

        if (schedule)
        {
            services.AddQuartz(quartz =>
            {
                foreach (var source in catalog.Enabled)
                {
                    var job = new JobKey($"fetch-{source.Id}", "sources");
                    quartz.AddJob<FetchSourceJob>(job, j => j.UsingJobData(FetchSourceJob.SourceIdKey, source.Id));
                    quartz.AddTrigger(trigger =>
                    {
                        trigger.ForJob(job).WithIdentity($"fetch-{source.Id}-trigger", "sources").StartNow();
                        if (source.Cron is { } cron)
                        {
                            // After downtime, run once now instead of replaying every missed fire.
                            trigger.WithCronSchedule(cron, c => c.WithMisfireHandlingInstructionFireAndProceed());
                        }
                        else
                        {
                            trigger.WithSimpleSchedule(s => s
                                .WithInterval(source.Interval ?? TimeSpan.FromMinutes(5))
                                .RepeatForever()
                                .WithMisfireHandlingInstructionNextWithRemainingCount());
                        }
                    });
                }
            });
            services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
        }

        return services;
    }
}
