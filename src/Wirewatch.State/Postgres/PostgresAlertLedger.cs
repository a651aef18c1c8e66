using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Wirewatch.Alerting;
using Wirewatch.Contracts;
using static Wirewatch.State.Postgres.PostgresDatabase;

namespace Wirewatch.State.Postgres;

/// <summary>
/// The alert ledger in PostgreSQL, shared by every alerter replica; what an alert means for its story is
/// <see cref="AlertUpdatePolicy"/>'s call, made under a transaction-scoped advisory lock per subscription and story.
/// Deliveries are claimed with <c>INSERT ... ON CONFLICT</c> and a row lock, each claim naming its holder: this
/// instance, which keeps a liveness row in <c>alerter_instances</c> fresh while it runs (the background service). A
/// claim whose holder stopped beating for <see cref="LivenessTimeout"/> is abandoned and taken over in seconds, not
/// after <c>ClaimLease</c>. A copy waiting on another's live claim is woken by <c>NOTIFY</c> when that delivery is
/// recorded or released, instead of polling.
/// </summary>
public sealed class PostgresAlertLedger : BackgroundService, IAlertLedger
{
    private const string Claimed = "claimed", DeliveredState = "delivered", Dead = "dead", FailedAttempt = "failed";
    private const string DeliveryChannel = "wirewatch_alert_delivery";

    /// <summary>How often a running alerter says it is alive.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);

    /// <summary>A holder silent this long is dead: its claims are taken over (several missed beats, so a slow beat is no death).</summary>
    public static readonly TimeSpan LivenessTimeout = TimeSpan.FromSeconds(10);

    /// <summary>While waiting on a live claim, how often its holder's liveness is checked again (a dead holder sends no NOTIFY).</summary>
    private static readonly TimeSpan WaitRecheck = TimeSpan.FromSeconds(2);

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;
    private readonly AlertLedgerOptions _options;
    private readonly TaskCompletionSource _firstClaim = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PostgresAlertLedger(PostgresDatabase database, TimeProvider time, AlertLedgerOptions options)
    {
        _database = database;
        _time = time;
        _options = options;
    }

    /// <summary>This alerter instance: the holder of the claims it makes.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    public async Task<RaisedAlert?> RaiseAsync(AlertRaised candidate, CancellationToken cancellationToken)
    {
        var story = AlertUpdatePolicy.StoryOf(candidate);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Two replicas deciding for one subscription and story take turns; the unique constraints are the backstop.
        await ExecuteSqlAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", cancellationToken, ("key", $"{candidate.SubscriptionId}\n{story}"));

        var earlier = new List<StoryAlertRecord>();
        await using (var read = Command(connection,
                         "SELECT alert_id, sequence, article_id, version, severity, topics FROM story_alerts WHERE subscription_id = @sub AND story_id = @story ORDER BY sequence",
                         ("sub", candidate.SubscriptionId), ("story", story)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                earlier.Add(new StoryAlertRecord(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                    AlertUpdatePolicy.ParseTopics(reader.GetString(5))));
            }
        }

        if (AlertUpdatePolicy.Decide(candidate, earlier) is not { } decision)
        {
            return null;
        }

        if (decision.IsNew)
        {
            await ExecuteSqlAsync(connection, """
                INSERT INTO story_alerts (alert_id, subscription_id, story_id, sequence, article_id, version, severity, topics, raised_at)
                VALUES (@id, @sub, @story, @sequence, @article, @version, @severity, @topics, @now)
                """, cancellationToken,
                ("id", decision.Alert.AlertId), ("sub", candidate.SubscriptionId), ("story", story), ("sequence", (int)decision.Sequence),
                ("article", candidate.ArticleId), ("version", candidate.Version), ("severity", candidate.Severity),
                ("topics", AlertUpdatePolicy.FormatTopics(candidate)), ("now", Now()));
            await transaction.CommitAsync(cancellationToken);
        }

        return new RaisedAlert(decision.Alert, decision.IsNew);
    }

    public async Task<DeliveryOutcome> DeliverOnceAsync(AlertRaised alert, string channel, Func<CancellationToken, Task<ChannelResult>> deliver, CancellationToken cancellationToken, bool replay = false)
    {
        var claim = Guid.NewGuid().ToString("N");
        var refused = await ClaimAsync(alert, channel, claim, replay, cancellationToken);
        if (refused == DeliveryOutcome.InProgress && _options.InProgressWait > TimeSpan.Zero)
        {
            refused = await WaitForClaimAsync(alert, channel, claim, replay, cancellationToken);
        }

        if (refused is { } outcome)
        {
            return outcome;
        }

        ChannelResult result;
        try
        {
            result = await deliver(cancellationToken);
        }
        catch (Exception e)
        {
            // Released, with the failed attempt counted: the next attempt (a redelivery of the message) delivers again; a
            // waiting copy is woken.
            await FinishAsync(
                "UPDATE alert_deliveries SET state = @failed, finished_at = @now, reason = @reason, detail = @detail, claim = NULL, holder = NULL WHERE alert_id = @id AND channel = @channel AND claim = @claim",
                alert, channel, claim, ("failed", FailedAttempt), ("now", Now()), ("reason", e.GetType().Name), ("detail", e.Message));
            throw;
        }

        await FinishAsync(
            "UPDATE alert_deliveries SET state = @state, finished_at = @now, reason = @reason, detail = @detail, claim = NULL, holder = NULL WHERE alert_id = @id AND channel = @channel AND claim = @claim",
            alert, channel, claim,
            ("state", result.Success ? DeliveredState : Dead), ("now", Now()), ("reason", (object?)result.Reason ?? DBNull.Value),
            ("detail", (object?)result.Detail ?? DBNull.Value));
        return result.Success ? DeliveryOutcome.Delivered : DeliveryOutcome.DeadLettered;
    }

    /// <summary>
    /// Another copy holds a live claim: LISTEN, then try again whenever a delivery is recorded or released (NOTIFY), and
    /// every <see cref="WaitRecheck"/> in case the holder died, until <c>InProgressWait</c> has passed.
    /// </summary>
    private async Task<DeliveryOutcome?> WaitForClaimAsync(AlertRaised alert, string channel, string claim, bool replay, CancellationToken cancellationToken)
    {
        var waitUntil = _time.GetUtcNow() + _options.InProgressWait;
        await using var listener = await _database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(listener, $"LISTEN {DeliveryChannel}", cancellationToken);
        DeliveryOutcome? refused = DeliveryOutcome.InProgress;
        while (refused == DeliveryOutcome.InProgress)
        {
            refused = await ClaimAsync(alert, channel, claim, replay, cancellationToken); // after LISTEN: no NOTIFY is missed
            var remaining = waitUntil - _time.GetUtcNow();
            if (refused != DeliveryOutcome.InProgress || remaining <= TimeSpan.Zero)
            {
                break;
            }

            await listener.WaitAsync(remaining < WaitRecheck ? remaining : WaitRecheck, cancellationToken);
        }

        return refused;
    }

    public async Task<IReadOnlyList<AbandonedClaim>> AbandonedClaimsAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT d.alert_json, d.channel, d.claimed_at FROM alert_deliveries d
            LEFT JOIN alerter_instances i ON i.instance_id = d.holder
            WHERE d.state = @claimed AND (d.claimed_at <= @leaseCutoff OR i.instance_id IS NULL OR i.heartbeat_at <= @aliveCutoff)
            ORDER BY d.claimed_at
            """, ("claimed", Claimed), ("leaseCutoff", (now - _options.ClaimLease).ToUniversalTime()), ("aliveCutoff", (now - LivenessTimeout).ToUniversalTime()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var abandoned = new List<AbandonedClaim>();
        while (await reader.ReadAsync(cancellationToken))
        {
            abandoned.Add(new AbandonedClaim(JsonSerializer.Deserialize<AlertRaised>(reader.GetString(0), WireJson.Options)!, reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return abandoned;
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? alertId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT alert_json, channel, reason, detail, finished_at FROM alert_deliveries
            WHERE state = @dead AND (@id::text IS NULL OR alert_id = @id) ORDER BY finished_at, alert_id
            """, ("dead", Dead), ("id", (object?)alertId ?? DBNull.Value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetter(JsonSerializer.Deserialize<AlertRaised>(reader.GetString(0), WireJson.Options)!, reader.GetString(1),
                reader.IsDBNull(2) ? "unknown" : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return letters;
    }

    public async Task DisableChannelAsync(string channel, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await ExecuteSqlAsync(connection, "INSERT INTO disabled_channels (channel, reason, disabled_at) VALUES (@channel, @reason, @now) ON CONFLICT (channel) DO NOTHING",
            cancellationToken, ("channel", channel), ("reason", reason), ("now", Now()));
    }

    public async Task<bool> IsChannelDisabledAsync(string channel, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM disabled_channels WHERE channel = @channel)", ("channel", channel));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> EnableChannelAsync(string channel, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ExecuteSqlAsync(connection, "DELETE FROM disabled_channels WHERE channel = @channel", cancellationToken, ("channel", channel)) > 0;
    }

    /// <summary>Says this instance is alive (also done with every claim, so no claim is made by an instance without a liveness row).</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await BeatAsync(connection, cancellationToken);
    }

    /// <summary>
    /// Beats every <see cref="HeartbeatInterval"/> while the host runs, from this instance's first claim on (a process
    /// that never delivers, such as a cleaner sharing the registration, never appears as an alerter); a failed beat (the
    /// database away) is tried at the next tick.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _firstClaim.Task.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(HeartbeatInterval, _time);
        do
        {
            try
            {
                await BeatAsync(stoppingToken);
            }
            catch (NpgsqlException)
            {
                // Unreachable for now: our claims may be taken over meanwhile, which the claim token makes safe.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>A clean stop takes this instance's liveness row away, so anything it still held is swept at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            await ExecuteSqlAsync(connection, "DELETE FROM alerter_instances WHERE instance_id = @me", cancellationToken, ("me", InstanceId));
        }
        catch (NpgsqlException)
        {
            // Its heartbeat simply ages out.
        }
    }

    /// <summary>
    /// Before this instance claims anything (a delivery here, a digest in <see cref="PostgresDigestStore"/>): a beat now,
    /// so no claim names an instance without a liveness row, and the heartbeat from then on.
    /// </summary>
    internal async Task BecomeHolderAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await BeatAsync(connection, cancellationToken);
        _firstClaim.TrySetResult();
    }

    private Task BeatAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ExecuteSqlAsync(connection, """
            INSERT INTO alerter_instances (instance_id, heartbeat_at) VALUES (@me, @now)
            ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = GREATEST(alerter_instances.heartbeat_at, excluded.heartbeat_at)
            """, cancellationToken, ("me", InstanceId), ("now", Now()));

    /// <summary>Null when this caller now holds the claim; otherwise why it may not deliver.</summary>
    private async Task<DeliveryOutcome?> ClaimAsync(AlertRaised alert, string channel, string claim, bool replay, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await BecomeHolderAsync(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var json = JsonSerializer.Serialize(alert, WireJson.Options);
        var inserted = await ExecuteSqlAsync(connection, """
            INSERT INTO alert_deliveries (alert_id, channel, state, claim, holder, claimed_at, alert_json) VALUES (@id, @channel, @claimed, @claim, @me, @now, @json)
            ON CONFLICT (alert_id, channel) DO NOTHING
            """, cancellationToken,
            ("id", alert.AlertId), ("channel", channel), ("claimed", Claimed), ("claim", claim), ("me", InstanceId), ("now", now.ToUniversalTime()), ("json", json));
        if (inserted == 1)
        {
            await transaction.CommitAsync(cancellationToken);
            return null;
        }

        string state;
        DateTimeOffset? claimedAt;
        bool holderAlive;
        await using (var read = Command(connection, """
                         SELECT d.state, d.claimed_at, (d.holder IS NULL OR i.heartbeat_at > @aliveCutoff) FROM alert_deliveries d
                         LEFT JOIN alerter_instances i ON i.instance_id = d.holder
                         WHERE d.alert_id = @id AND d.channel = @channel
                         FOR UPDATE OF d
                         """, ("id", alert.AlertId), ("channel", channel), ("aliveCutoff", (now - LivenessTimeout).ToUniversalTime())))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return DeliveryOutcome.InProgress; // released between our insert and read: the caller tries again
            }

            state = reader.GetString(0);
            claimedAt = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            holderAlive = !reader.IsDBNull(2) && reader.GetBoolean(2);
        }

        switch (state)
        {
            case DeliveredState:
                return DeliveryOutcome.Duplicate;
            case Dead when !replay:
                return DeliveryOutcome.DeadLettered;
            case Claimed when claimedAt is { } at && at > now - _options.ClaimLease && holderAlive:
                return DeliveryOutcome.InProgress;
        }

        await ExecuteSqlAsync(connection, """
            UPDATE alert_deliveries SET state = @claimed, claim = @claim, holder = @me, claimed_at = @now, alert_json = @json, attempts = attempts + 1
            WHERE alert_id = @id AND channel = @channel
            """, cancellationToken,
            ("claimed", Claimed), ("claim", claim), ("me", InstanceId), ("now", now.ToUniversalTime()), ("json", json), ("id", alert.AlertId), ("channel", channel));
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>Records or releases a claim and wakes the copies waiting on it.</summary>
    private async Task FinishAsync(string sql, AlertRaised alert, string channel, string claim, params (string Name, object Value)[] more)
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await ExecuteSqlAsync(connection, sql, CancellationToken.None, [("id", alert.AlertId), ("channel", channel), ("claim", claim), .. more]);
        await ExecuteSqlAsync(connection, $"SELECT pg_notify('{DeliveryChannel}', @payload)", CancellationToken.None, ("payload", $"{alert.AlertId}|{channel}"));
    }

    private DateTimeOffset Now() => _time.GetUtcNow().ToUniversalTime();
}
