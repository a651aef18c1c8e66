using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Wirewatch.Alerting;
using Wirewatch.Contracts;
using static Wirewatch.State.Sqlite.SqliteDatabase;

namespace Wirewatch.State.Sqlite;

/// <summary>
/// The alert ledger in the SQLite file under the data directory; what an alert means for its story is
/// <see cref="AlertUpdatePolicy"/>'s call. Every decision runs in an immediate (write-locking)
/// transaction, shared with the decisions that arrive at the same moment (<see cref="SqliteDatabase.WriteAsync{T}"/>: one
/// commit for several alerts, each durable before its caller goes on), and leans on a unique constraint: <c>story_alerts</c> is unique per subscription, story and sequence and
/// per triggering article version; <c>alert_deliveries</c> per alert and channel. Processes sharing the file (replicas
/// on one volume) are serialised by SQLite's lock.
/// </summary>
public sealed class SqliteAlertLedger : IAlertLedger
{
    private const string Claimed = "claimed", DeliveredState = "delivered", Dead = "dead", FailedAttempt = "failed";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly TimeSpan _claimLease;
    private readonly TimeSpan _inProgressWait;

    /// <summary>How often a delivery waiting on another's live claim looks at the ledger again.</summary>
    private static readonly TimeSpan InProgressPoll = TimeSpan.FromMilliseconds(250);

    /// <param name="claimLease">How long a claim protects a delivery in progress; longer than any channel's retry budget.</param>
    /// <param name="inProgressWait">How long a delivery that finds another's live claim waits for it to be recorded or released.</param>
    public SqliteAlertLedger(SqliteDatabase database, TimeProvider? time = null, TimeSpan? claimLease = null, TimeSpan? inProgressWait = null)
    {
        _database = database;
        _time = time ?? TimeProvider.System;
        _claimLease = claimLease ?? TimeSpan.FromMinutes(10);
        _inProgressWait = inProgressWait ?? AlertLedgerOptions.DefaultInProgressWait;
    }

    /// <summary>A ledger on its own database file (tests).</summary>
    public SqliteAlertLedger(string databasePath, TimeProvider? time = null, TimeSpan? claimLease = null, TimeSpan? inProgressWait = null)
        : this(new SqliteDatabase(databasePath), time, claimLease, inProgressWait)
    {
    }

    public Task<RaisedAlert?> RaiseAsync(AlertRaised candidate, CancellationToken cancellationToken) =>
        _database.WriteAsync((connection, transaction, ct) => RaiseAsync(connection, transaction, candidate, ct), cancellationToken);

    private async Task<RaisedAlert?> RaiseAsync(SqliteConnection connection, SqliteTransaction transaction, AlertRaised candidate, CancellationToken cancellationToken)
    {
        var subscription = candidate.SubscriptionId;
        var story = AlertUpdatePolicy.StoryOf(candidate);
        var earlier = new List<StoryAlertRecord>();
        await using (var read = Command(connection, transaction,
                         "SELECT alert_id, sequence, article_id, version, severity, topics FROM story_alerts WHERE subscription_id = $sub AND story_id = $story ORDER BY sequence",
                         ("$sub", subscription), ("$story", story)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                earlier.Add(new StoryAlertRecord(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                    AlertUpdatePolicy.ParseTopics(reader.GetString(5))));
            }
        }

        if (AlertUpdatePolicy.Decide(candidate, earlier) is not { } decision)
        {
            return null;
        }

        if (decision.IsNew)
        {
            await using var insert = Command(connection, transaction, """
                INSERT INTO story_alerts (alert_id, subscription_id, story_id, sequence, article_id, version, severity, topics, raised_at)
                VALUES ($id, $sub, $story, $sequence, $article, $version, $severity, $topics, $now)
                """,
                ("$id", decision.Alert.AlertId), ("$sub", subscription), ("$story", story), ("$sequence", decision.Sequence), ("$article", candidate.ArticleId),
                ("$version", candidate.Version), ("$severity", candidate.Severity), ("$topics", AlertUpdatePolicy.FormatTopics(candidate)),
                ("$now", Now()));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return new RaisedAlert(decision.Alert, decision.IsNew);
    }

    public async Task<DeliveryOutcome> DeliverOnceAsync(AlertRaised alert, string channel, Func<CancellationToken, Task<ChannelResult>> deliver, CancellationToken cancellationToken, bool replay = false)
    {
        var claim = Guid.NewGuid().ToString("N");
        var refused = await ClaimAsync(alert, channel, claim, replay, cancellationToken);

        // Another copy of this message holds a live claim: typically the first delivery of a message the broker handed
        // out again after a lost connection, still publishing or failing in the old consumer. Acknowledging now would
        // lose the alert if that holder then fails and releases its claim, so wait for it to be recorded (Duplicate)
        // or released (we deliver). A holder that died outright keeps its claim until the lease: the sweep covers it.
        var waitUntil = _time.GetUtcNow() + _inProgressWait;
        while (refused == DeliveryOutcome.InProgress && _time.GetUtcNow() < waitUntil)
        {
            await Task.Delay(InProgressPoll, _time, cancellationToken);
            refused = await ClaimAsync(alert, channel, claim, replay, cancellationToken);
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
            // Released, with the failed attempt counted: the next attempt (a redelivery of the message) delivers again.
            await ExecuteAsync(
                "UPDATE alert_deliveries SET state = $failed, finished_at = $now, reason = $reason, detail = $detail, claim = NULL WHERE alert_id = $id AND channel = $channel AND claim = $claim",
                CancellationToken.None, ("$failed", FailedAttempt), ("$now", Now()), ("$reason", e.GetType().Name), ("$detail", e.Message),
                ("$id", alert.AlertId), ("$channel", channel), ("$claim", claim));
            throw;
        }

        await ExecuteAsync(
            "UPDATE alert_deliveries SET state = $state, finished_at = $now, reason = $reason, detail = $detail, claim = NULL WHERE alert_id = $id AND channel = $channel AND claim = $claim",
            CancellationToken.None,
            ("$state", result.Success ? DeliveredState : Dead), ("$now", Now()), ("$reason", (object?)result.Reason ?? DBNull.Value),
            ("$detail", (object?)result.Detail ?? DBNull.Value), ("$id", alert.AlertId), ("$channel", channel), ("$claim", claim));
        return result.Success ? DeliveryOutcome.Delivered : DeliveryOutcome.DeadLettered;
    }

    public async Task<IReadOnlyList<AbandonedClaim>> AbandonedClaimsAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, null,
            "SELECT alert_json, channel, claimed_at FROM alert_deliveries WHERE state = $claimed ORDER BY claimed_at", ("$claimed", Claimed));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cutoff = _time.GetUtcNow() - _claimLease;
        var abandoned = new List<AbandonedClaim>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var claimedAt = DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture);
            if (claimedAt <= cutoff)
            {
                abandoned.Add(new AbandonedClaim(JsonSerializer.Deserialize<AlertRaised>(reader.GetString(0), WireJson.Options)!, reader.GetString(1), claimedAt));
            }
        }

        return abandoned;
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? alertId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, null,
            "SELECT alert_json, channel, reason, detail, finished_at FROM alert_deliveries WHERE state = $dead AND ($id IS NULL OR alert_id = $id) ORDER BY finished_at, alert_id",
            ("$dead", Dead), ("$id", (object?)alertId ?? DBNull.Value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var alert = JsonSerializer.Deserialize<AlertRaised>(reader.GetString(0), WireJson.Options)!;
            letters.Add(new DeadLetter(alert, reader.GetString(1), reader.IsDBNull(2) ? "unknown" : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture)));
        }

        return letters;
    }

    public Task DisableChannelAsync(string channel, string reason, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO disabled_channels (channel, reason, disabled_at) VALUES ($channel, $reason, $now) ON CONFLICT (channel) DO NOTHING",
            cancellationToken, ("$channel", channel), ("$reason", reason), ("$now", Now()));

    public async Task<bool> IsChannelDisabledAsync(string channel, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = Command(connection, null, "SELECT COUNT(*) FROM disabled_channels WHERE channel = $channel", ("$channel", channel));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
    }

    public async Task<bool> EnableChannelAsync(string channel, CancellationToken cancellationToken) =>
        await ExecuteAsync("DELETE FROM disabled_channels WHERE channel = $channel", cancellationToken, ("$channel", channel)) > 0;

    /// <summary>Null when this caller now holds the claim; otherwise why it may not deliver.</summary>
    private Task<DeliveryOutcome?> ClaimAsync(AlertRaised alert, string channel, string claim, bool replay, CancellationToken cancellationToken) =>
        _database.WriteAsync((connection, transaction, ct) => ClaimAsync(connection, transaction, alert, channel, claim, replay, ct), cancellationToken);

    private async Task<DeliveryOutcome?> ClaimAsync(SqliteConnection connection, SqliteTransaction transaction, AlertRaised alert, string channel, string claim, bool replay,
        CancellationToken cancellationToken)
    {
        string? state = null, claimedAt = null;
        await using (var read = Command(connection, transaction, "SELECT state, claimed_at FROM alert_deliveries WHERE alert_id = $id AND channel = $channel",
                         ("$id", alert.AlertId), ("$channel", channel)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                state = reader.GetString(0);
                claimedAt = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        var now = _time.GetUtcNow();
        switch (state)
        {
            case DeliveredState:
                return DeliveryOutcome.Duplicate;
            case Dead when !replay:
                return DeliveryOutcome.DeadLettered;
            case Claimed when claimedAt is not null && DateTimeOffset.Parse(claimedAt, CultureInfo.InvariantCulture) > now - _claimLease:
                return DeliveryOutcome.InProgress;
        }

        await using (var write = Command(connection, transaction, """
                         INSERT INTO alert_deliveries (alert_id, channel, state, claim, claimed_at, alert_json, attempts) VALUES ($id, $channel, $claimed, $claim, $now, $json, 1)
                         ON CONFLICT (alert_id, channel) DO UPDATE SET state = $claimed, claim = $claim, claimed_at = $now, alert_json = $json,
                             attempts = alert_deliveries.attempts + 1
                         """,
                         ("$id", alert.AlertId), ("$channel", channel), ("$claimed", Claimed), ("$claim", claim), ("$now", Format(now)),
                         ("$json", JsonSerializer.Serialize(alert, WireJson.Options))))
        {
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        return null;
    }

    private Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        _database.WriteAsync((connection, transaction, ct) => ExecuteSqlAsync(connection, transaction, sql, ct, parameters), cancellationToken);

    private string Now() => Format(_time.GetUtcNow());

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private SqliteConnection Open() => _database.Open();
}
