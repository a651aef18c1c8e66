using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Quartz;
using Quartz.Impl.Matchers;

namespace Wirewatch.Fetching.Scheduling;

/// <summary>
/// Brings a shared (clustered) job store in line with the enabled sources: one job per source, carrying a fingerprint of
/// the source's definition. A job whose fingerprint matches is left alone (its trigger, its next fire time and its
/// misfire state survive a restart); a new or changed source is (re)scheduled and starts now; a removed or disabled one
/// is deleted. Every fetcher does this at start and on each reload of <c>sources.json</c>, one at a time under a
/// PostgreSQL advisory lock, so N fetchers converge on one schedule and a source is never scheduled twice.
/// </summary>
internal static class SourceSchedule
{
    public const string DefinitionKey = "definition";

    private const long LockKey = 0x5157_5157_0002; // "QWQW" 2

    public static async Task<SyncResult> SyncAsync(ClusteredSchedule store, IScheduler scheduler, SourceCatalog catalog, CancellationToken cancellationToken, Type? jobType = null)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            acquire.Parameters.AddWithValue("key", LockKey);
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            return await ApplyAsync(scheduler, catalog, jobType ?? typeof(FetchSourceJob), cancellationToken);
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", LockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task<SyncResult> ApplyAsync(IScheduler scheduler, SourceCatalog catalog, Type jobType, CancellationToken cancellationToken)
    {
        var wanted = catalog.Enabled.ToDictionary(s => SourcesReloader.JobKeyFor(s.Id));
        int added = 0, changed = 0, removed = 0;
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SourcesReloader.JobGroup), cancellationToken))
        {
            if (!wanted.ContainsKey(key) && await scheduler.DeleteJob(key, cancellationToken))
            {
                removed++;
            }
        }

        foreach (var (key, source) in wanted)
        {
            var fingerprint = Fingerprint(source);
            var existing = await scheduler.GetJobDetail(key, cancellationToken);
            if (existing?.JobDataMap.GetString(DefinitionKey) == fingerprint)
            {
                continue;
            }

            var job = JobBuilder.Create(jobType)
                .WithIdentity(key)
                .UsingJobData(FetchSourceJob.SourceIdKey, source.Id)
                .UsingJobData(DefinitionKey, fingerprint)
                .RequestRecovery() // a fetcher that dies mid-cycle: another runs the cycle again (what was published is seen)
                .Build();
            var trigger = TriggerBuilder.Create().ForJob(job).WithIdentity($"fetch-{source.Id}-trigger", SourcesReloader.JobGroup);
            FetcherRegistration.ConfigureTrigger(trigger, source);
            await scheduler.ScheduleJob(job, [trigger.Build()], replace: true, cancellationToken);
            if (existing is null)
            {
                added++;
            }
            else
            {
                changed++;
            }
        }

        return new SyncResult(wanted.Count, added, removed, changed);
    }

    private static string Fingerprint(SourceDefinition source) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(source))))[..32];
}

internal sealed record SyncResult(int Enabled, int Added, int Removed, int Changed);
