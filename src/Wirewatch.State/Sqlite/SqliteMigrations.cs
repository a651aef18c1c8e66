namespace Wirewatch.State.Sqlite;

/// <summary>The SQLite schema, step by step. Never edit a shipped step: add the next number.</summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        // The schema the stores created for themselves before versioning (IF NOT EXISTS: a database from that version
        // already has it, and only gets this step recorded).
        new(1, "initial", """
            CREATE TABLE IF NOT EXISTS fetched_articles (
                canonical_url TEXT PRIMARY KEY,
                article_id    TEXT NOT NULL,
                version       INTEGER NOT NULL,
                content_hash  TEXT NOT NULL,
                etag          TEXT NULL,
                last_modified TEXT NULL,
                published_at  TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS http_validators (
                url           TEXT PRIMARY KEY,
                etag          TEXT NULL,
                last_modified TEXT NULL
            );
            CREATE TABLE IF NOT EXISTS robots_txt (
                origin        TEXT PRIMARY KEY,
                body          TEXT NOT NULL,
                fetched_at    TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS story_shingles (
                article_id         TEXT NOT NULL,
                version            INTEGER NOT NULL,
                story_id           TEXT NOT NULL,
                headline           TEXT NOT NULL,
                shingles           BLOB NOT NULL, -- sorted 32-bit hashes of the body's word 3-shingles
                seen_at            INTEGER NOT NULL, -- Unix milliseconds, UTC
                updates_article_id TEXT NULL,
                updates_version    INTEGER NULL,
                PRIMARY KEY (article_id, version)
            );
            CREATE INDEX IF NOT EXISTS story_shingles_seen_at ON story_shingles (seen_at);
            CREATE INDEX IF NOT EXISTS story_shingles_story ON story_shingles (story_id);
            CREATE TABLE IF NOT EXISTS story_alerts (
                alert_id        TEXT PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                story_id        TEXT NOT NULL,
                sequence        INTEGER NOT NULL,
                article_id      TEXT NOT NULL,
                version         INTEGER NOT NULL,
                severity        TEXT NOT NULL,
                topics          TEXT NOT NULL,
                raised_at       TEXT NOT NULL,
                UNIQUE (subscription_id, story_id, sequence),
                UNIQUE (subscription_id, story_id, article_id, version)
            );
            CREATE TABLE IF NOT EXISTS alert_deliveries (
                alert_id     TEXT NOT NULL,
                channel      TEXT NOT NULL,
                state        TEXT NOT NULL,
                claim        TEXT,
                claimed_at   TEXT,
                finished_at  TEXT,
                reason       TEXT,
                detail       TEXT,
                alert_json   TEXT NOT NULL,
                PRIMARY KEY (alert_id, channel)
            );
            CREATE TABLE IF NOT EXISTS disabled_channels (
                channel     TEXT PRIMARY KEY,
                reason      TEXT NOT NULL,
                disabled_at TEXT NOT NULL
            );
            """),
        // Throttle windows and held digests, so a restart loses nothing held and replicas share one hour per subscription.
        new(2, "throttle", """
            CREATE TABLE throttle_sent (
                subscription_id TEXT NOT NULL,
                sent_at         INTEGER NOT NULL -- Unix milliseconds, UTC
            );
            CREATE INDEX throttle_sent_subscription ON throttle_sent (subscription_id, sent_at);
            CREATE TABLE throttle_held (
                id              INTEGER PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                alert_id        TEXT NOT NULL,
                alert_json      TEXT NOT NULL,
                UNIQUE (subscription_id, alert_id)
            );
            """),
        // Scheduled digests: the alerts waiting for their subscription's next digest, each subscription's last closed
        // period, and the digests closed (and whether sent). IF NOT EXISTS: before this step the store created these
        // tables itself, so a file from that version already has them, rows included.
        new(3, "digests", """
            CREATE TABLE IF NOT EXISTS digest_alerts (
                alert_id        TEXT PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                recorded_at     TEXT NOT NULL, -- sortable UTC text, yyyy-MM-ddTHH:mm:ss.fffffffZ
                alert_json      TEXT NOT NULL,
                digest_id       TEXT
            );
            CREATE INDEX IF NOT EXISTS digest_alerts_waiting ON digest_alerts (subscription_id, digest_id, recorded_at);
            CREATE TABLE IF NOT EXISTS digest_periods (
                subscription_id TEXT PRIMARY KEY,
                last_period_end TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS scheduled_digests (
                digest_id       TEXT PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                period_end      TEXT NOT NULL,
                sent_at         TEXT
            );
            """),
        // The console's article store: cleaned and classified articles by version, their full-text index (FTS5) and the
        // alerts raised for them. IF NOT EXISTS: the console's first version created these tables itself.
        new(4, "console-articles", """
            CREATE TABLE IF NOT EXISTS console_articles (
                article_id      TEXT NOT NULL,
                version         INTEGER NOT NULL,
                story_id        TEXT,
                source_id       TEXT NOT NULL,
                url             TEXT NOT NULL,
                headline        TEXT NOT NULL,
                published_at    TEXT,
                recorded_at     TEXT NOT NULL, -- sortable UTC text, yyyy-MM-ddTHH:mm:ss.fffffffZ
                cleaned_json    TEXT,
                classified_json TEXT,
                matched_topics  TEXT NOT NULL DEFAULT '', -- ' topic topic ', for a LIKE filter
                PRIMARY KEY (article_id, version)
            );
            CREATE INDEX IF NOT EXISTS console_articles_recorded ON console_articles (recorded_at);
            CREATE INDEX IF NOT EXISTS console_articles_story ON console_articles (story_id);
            CREATE VIRTUAL TABLE IF NOT EXISTS console_articles_fts USING fts5 (article_id UNINDEXED, version UNINDEXED, headline, body);
            CREATE TABLE IF NOT EXISTS console_alerts (
                alert_id        TEXT PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                article_id      TEXT NOT NULL,
                version         INTEGER NOT NULL,
                severity        TEXT NOT NULL,
                recorded_at     TEXT NOT NULL,
                alert_json      TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS console_alerts_subscription ON console_alerts (subscription_id, recorded_at);
            CREATE INDEX IF NOT EXISTS console_alerts_article ON console_alerts (article_id);
            """),
        // Each source's last fetch cycle (the fetcher writes it, the console's sources page reads it).
        new(5, "source-status", """
            CREATE TABLE IF NOT EXISTS source_status (
                source_id         TEXT PRIMARY KEY,
                last_fetch_at     TEXT NOT NULL,
                outcome           TEXT NOT NULL,
                published         INTEGER NOT NULL,
                failures_in_a_row INTEGER NOT NULL,
                broken            INTEGER NOT NULL
            );
            """),
        // How often each channel was tried, so the console can tell a retried delivery from a first-time one; rows from
        // before were tried at least once.
        new(6, "delivery-attempts", """
            ALTER TABLE alert_deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
            """),
        // Replays requested in the console and carried out by whichever alerter takes them (IReplayRequestStore).
        new(7, "replay-requests", """
            CREATE TABLE replay_requests (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                alert_id     TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                requested_at TEXT NOT NULL, -- sortable UTC text, like every time in this file
                state        TEXT NOT NULL, -- pending, taken, done
                taken_at     TEXT,
                finished_at  TEXT,
                results_json TEXT
            );
            CREATE INDEX replay_requests_state ON replay_requests (state, id);
            CREATE INDEX replay_requests_alert ON replay_requests (alert_id, id);
            """),
        // Who is sending a closed digest and since when, so one alerter sends each: another takes it over once the claim
        // is older than Wirewatch:Alerts:ClaimLease (a file has no liveness rows; its alerters share one host at most).
        new(8, "digest-claims", """
            ALTER TABLE scheduled_digests ADD COLUMN holder TEXT;
            ALTER TABLE scheduled_digests ADD COLUMN claimed_at TEXT; -- sortable UTC text
            """),
        // What each 'auto' source turned out to be at its URL, so a restarted or another fetcher still refuses a feed's
        // error page instead of publishing it as an article (ISeenStore.SaveAutoKindAsync).
        new(9, "auto-kinds", """
            CREATE TABLE auto_kinds (
                source_id  TEXT PRIMARY KEY,
                url        TEXT NOT NULL,
                is_feed    INTEGER NOT NULL,
                decided_at TEXT NOT NULL -- sortable UTC text
            );
            """),
    ];
}
