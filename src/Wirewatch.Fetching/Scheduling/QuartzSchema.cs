using Npgsql;

namespace Wirewatch.Fetching.Scheduling;

/// <summary>
/// Quartz's own tables for its PostgreSQL job store (the 3.x layout, with the columns 4.x made mandatory already present
/// and nullable, so a later move to 4.x starts from them). Created at start when missing, under a transaction-scoped
/// advisory lock: N fetchers starting at once create them once, and a second start changes nothing.
/// </summary>
public static class QuartzSchema
{
    public const string TablePrefix = "qrtz_";

    /// <summary>The advisory lock key (any constant unique to this schema within the database).</summary>
    private const long LockKey = 0x5157_5157_0001; // "QWQW" 1

    /// <summary>True when it created the tables; false when they were there.</summary>
    public static async Task<bool> EnsureAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", LockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{TablePrefix}locks') IS NOT NULL", connection, transaction))
        {
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                await transaction.CommitAsync(cancellationToken);
                return false;
            }
        }

        await using (var create = new NpgsqlCommand(Tables, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    // Table and column names are Quartz's contract (its PostgreSQL delegate's statements); keys and indexes follow its queries.
    private const string Tables = """
        CREATE TABLE qrtz_job_details (
            sched_name text NOT NULL, job_name text NOT NULL, job_group text NOT NULL, description text,
            job_class_name text NOT NULL, is_durable bool NOT NULL, is_nonconcurrent bool NOT NULL,
            is_update_data bool NOT NULL, requests_recovery bool NOT NULL, job_data bytea,
            PRIMARY KEY (sched_name, job_name, job_group));
        CREATE TABLE qrtz_triggers (
            sched_name text NOT NULL, trigger_name text NOT NULL, trigger_group text NOT NULL,
            job_name text NOT NULL, job_group text NOT NULL, description text,
            next_fire_time bigint, prev_fire_time bigint, priority integer, trigger_state text NOT NULL,
            trigger_type text NOT NULL, start_time bigint NOT NULL, end_time bigint, calendar_name text,
            misfire_instr smallint, misfire_orig_fire_time bigint, execution_group varchar(200), job_data bytea,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, job_name, job_group) REFERENCES qrtz_job_details (sched_name, job_name, job_group));
        CREATE TABLE qrtz_simple_triggers (
            sched_name text NOT NULL, trigger_name text NOT NULL, trigger_group text NOT NULL,
            repeat_count bigint NOT NULL, repeat_interval bigint NOT NULL, times_triggered bigint NOT NULL,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE);
        CREATE TABLE qrtz_simprop_triggers (
            sched_name text NOT NULL, trigger_name text NOT NULL, trigger_group text NOT NULL,
            str_prop_1 text, str_prop_2 text, str_prop_3 text, int_prop_1 integer, int_prop_2 integer,
            long_prop_1 bigint, long_prop_2 bigint, dec_prop_1 numeric, dec_prop_2 numeric,
            bool_prop_1 bool, bool_prop_2 bool, time_zone_id text,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE);
        CREATE TABLE qrtz_cron_triggers (
            sched_name text NOT NULL, trigger_name text NOT NULL, trigger_group text NOT NULL,
            cron_expression text NOT NULL, time_zone_id text,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE);
        CREATE TABLE qrtz_blob_triggers (
            sched_name text NOT NULL, trigger_name text NOT NULL, trigger_group text NOT NULL, blob_data bytea,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE);
        CREATE TABLE qrtz_calendars (
            sched_name text NOT NULL, calendar_name text NOT NULL, calendar bytea NOT NULL,
            PRIMARY KEY (sched_name, calendar_name));
        CREATE TABLE qrtz_paused_trigger_grps (
            sched_name text NOT NULL, trigger_group text NOT NULL,
            PRIMARY KEY (sched_name, trigger_group));
        CREATE TABLE qrtz_fired_triggers (
            sched_name text NOT NULL, entry_id text NOT NULL, trigger_name text NOT NULL, trigger_group text NOT NULL,
            instance_name text NOT NULL, fired_time bigint NOT NULL, sched_time bigint NOT NULL, priority integer NOT NULL,
            state text NOT NULL, job_name text, job_group text, is_nonconcurrent bool NOT NULL, requests_recovery bool,
            execution_group varchar(200),
            PRIMARY KEY (sched_name, entry_id));
        CREATE TABLE qrtz_scheduler_state (
            sched_name text NOT NULL, instance_name text NOT NULL, last_checkin_time bigint NOT NULL, checkin_interval bigint NOT NULL,
            PRIMARY KEY (sched_name, instance_name));
        CREATE TABLE qrtz_locks (
            sched_name text NOT NULL, lock_name text NOT NULL,
            PRIMARY KEY (sched_name, lock_name));
        CREATE INDEX qrtz_triggers_next_fire ON qrtz_triggers (sched_name, trigger_state, next_fire_time);
        CREATE INDEX qrtz_triggers_job ON qrtz_triggers (sched_name, job_group, job_name);
        CREATE INDEX qrtz_fired_triggers_trigger ON qrtz_fired_triggers (sched_name, trigger_group, trigger_name);
        CREATE INDEX qrtz_fired_triggers_instance ON qrtz_fired_triggers (sched_name, instance_name);
        CREATE INDEX qrtz_fired_triggers_job ON qrtz_fired_triggers (sched_name, job_group, job_name);
        """;
}
