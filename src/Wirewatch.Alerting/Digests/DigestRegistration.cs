using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Wirewatch.Alerting.Digests;

internal static class DigestRegistration
{
    /// <summary>
    /// The digest sender always (its <see cref="IDigestStore"/> comes from the state seam) (throttle digests use the sender); for subscriptions with a <c>digest</c>, one
    /// Quartz cron trigger each (in its time zone; a fire missed while down runs once at start) and a catch-up at start.
    /// </summary>
    public static IServiceCollection AddDigests(this IServiceCollection services, SubscriptionCatalog catalog)
    {
        services.AddSingleton<DigestSender>();
        services.AddSingleton<ScheduledDigests>();
        var scheduled = catalog.Subscriptions.Where(s => s.Digest is not null).ToList();
        if (scheduled.Count == 0)
        {
            return services;
        }

        services.AddTransient<ScheduledDigestJob>();
        services.AddQuartz(quartz =>
        {
            quartz.AddJob<ScheduledDigestJob>(ScheduledDigestJob.Key, j => j.StoreDurably());
            quartz.AddTrigger(t => t.ForJob(ScheduledDigestJob.Key).WithIdentity("digest-catch-up", ScheduledDigestJob.Key.Group).StartNow());
            foreach (var subscription in scheduled)
            {
                var digest = subscription.Digest!;
                quartz.AddTrigger(t => t.ForJob(ScheduledDigestJob.Key)
                    .WithIdentity($"digest-{subscription.Id}", ScheduledDigestJob.Key.Group)
                    .WithCronSchedule(digest.Cron, c => c.InTimeZone(digest.Zone).WithMisfireHandlingInstructionFireAndProceed()));
            }
        });
        // One Quartz hosted service per process: the fetcher's, when this process fetches too.
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(QuartzHostedService)))
        {
            services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
        }

        return services;
    }
}
