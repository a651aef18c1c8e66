using Quartz;

namespace Wirewatch.Fetching.Scheduling;

/// <summary>
/// The fetcher's schedule in a PostgreSQL database shared by every fetcher replica (Quartz's ADO job store, clustered):
/// each source's job fires on one replica per interval, and when a replica dies mid-job another recovers the job.
/// Without it (the embedded default) the schedule lives in memory (Quartz's RAM store), one fetcher alone.
/// </summary>
/// <param name="ConnectionString">The PostgreSQL database (the state store's, <c>Wirewatch:State:ConnectionString</c>).</param>
public sealed record ClusteredSchedule(string ConnectionString)
{
    /// <summary>One name for every replica's scheduler: Quartz clusters the schedulers that share a name and a database.</summary>
    public const string SchedulerName = "wirewatch-fetcher";

    /// <summary>How often each replica records that it is alive, and how late a record may be before the others take over its jobs.</summary>
    public TimeSpan CheckinInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <remarks>
    /// Quartz's own default (7.5 s). A replica is taken for dead about <see cref="CheckinInterval"/> + this after its
    /// last check-in, and its jobs are recovered at a survivor's next check-in: 10 to 20 s after a kill. A live replica
    /// stalled longer than that has its job run a second time, which the seen-store makes harmless.
    /// </remarks>
    public TimeSpan CheckinMisfireThreshold { get; init; } = TimeSpan.FromSeconds(7.5);

    internal void Configure(IServiceCollectionQuartzConfigurator quartz)
    {
        quartz.SchedulerName = SchedulerName;
        // Automatic and unique per replica, with no configuration per pod: the host (the pod's name) and the process id,
        // so an operator (or a test) can tell from qrtz_fired_triggers which process holds a job.
        quartz.SchedulerId = $"{Environment.MachineName}-{Environment.ProcessId}";
        quartz.UsePersistentStore(store =>
        {
            store.UseProperties = true; // the job data is one string (the source id): stored as text, not serialized objects
            store.RetryInterval = TimeSpan.FromSeconds(5);
            store.UsePostgres(postgres =>
            {
                postgres.ConnectionString = ConnectionString;
                postgres.TablePrefix = QuartzSchema.TablePrefix;
            });
            store.UseSystemTextJsonSerializer();
            store.UseClustering(cluster =>
            {
                cluster.CheckinInterval = CheckinInterval;
                cluster.CheckinMisfireThreshold = CheckinMisfireThreshold;
            });
        });
    }
}
