namespace Wirewatch.State.Postgres;

/// <summary>The PostgreSQL schema, step by step. Never edit a shipped step: add the next number.</summary>
internal static class PostgresMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "initial", """
            CREATE TABLE fetched_articles (
                canonical_url text PRIMARY KEY,
                article_id    text NOT NULL,
                version       integer NOT NULL,
                content_hash  text NOT NULL,
                etag          text NULL,
                last_modified timestamptz NULL,
                published_at  timestamptz NOT NULL
            );
            CREATE INDEX fetched_articles_published_at ON fetched_articles (published_at);
            CREATE TABLE http_validators (
                url           text PRIMARY KEY,
                etag          text NULL,
                last_modified timestamptz NULL
            );
            CREATE TABLE robots_txt (
                origin        text PRIMARY KEY,
                body          text NOT NULL,
                fetched_at    timestamptz NOT NULL
            );
            -- id: monotonic, so each cleaner's in-memory candidate index reads only the rows added since it last looked.
            CREATE TABLE story_shingles (
                id                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                article_id         text NOT NULL,
                version            integer NOT NULL,
                story_id           text NOT NULL,
                headline           text NOT NULL,
                shingles           bytea NOT NULL,
                seen_at            timestamptz NOT NULL,
                updates_article_id text NULL,
                updates_version    integer NULL,
                PRIMARY KEY (article_id, version)
            );
            CREATE INDEX story_shingles_seen_at ON story_shingles (seen_at);
            CREATE INDEX story_shingles_story ON story_shingles (story_id, seen_at);
            CREATE TABLE story_alerts (
                alert_id        text PRIMARY KEY,
                subscription_id text NOT NULL,
                story_id        text NOT NULL,
                sequence        integer NOT NULL,
                article_id      text NOT NULL,
                version         integer NOT NULL,
                severity        text NOT NULL,
                topics          text NOT NULL,
                raised_at       timestamptz NOT NULL,
                UNIQUE (subscription_id, story_id, sequence),
                UNIQUE (subscription_id, story_id, article_id, version)
            );
            -- holder: the alerter instance (alerter_instances) that claimed the delivery.
            CREATE TABLE alert_deliveries (
                alert_id     text NOT NULL,
                channel      text NOT NULL,
                state        text NOT NULL,
                claim        text NULL,
                holder       uuid NULL,
                claimed_at   timestamptz NULL,
                finished_at  timestamptz NULL,
                reason       text NULL,
                detail       text NULL,
                alert_json   text NOT NULL,
                PRIMARY KEY (alert_id, channel)
            );
            CREATE INDEX alert_deliveries_claimed ON alert_deliveries (claimed_at) WHERE state = 'claimed';
            CREATE INDEX alert_deliveries_dead ON alert_deliveries (finished_at) WHERE state = 'dead';
            CREATE TABLE disabled_channels (
                channel     text PRIMARY KEY,
                reason      text NOT NULL,
                disabled_at timestamptz NOT NULL
            );
            -- One row per running alerter, refreshed every few seconds: a claim whose holder stopped beating is taken over.
            CREATE TABLE alerter_instances (
                instance_id  uuid PRIMARY KEY,
                heartbeat_at timestamptz NOT NULL
            );
            """),
        // Throttle windows and held digests, so a restart loses nothing held and replicas share one hour per subscription.
        new(2, "throttle", """
            CREATE TABLE throttle_sent (
                subscription_id text NOT NULL,
                sent_at         timestamptz NOT NULL
            );
            CREATE INDEX throttle_sent_subscription ON throttle_sent (subscription_id, sent_at);
            CREATE TABLE throttle_held (
                id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                subscription_id text NOT NULL,
                alert_id        text NOT NULL,
                alert_json      text NOT NULL,
                UNIQUE (subscription_id, alert_id)
            );
            """),
        // Scheduled digests: the alerts waiting for their subscription's next digest, each subscription's last closed
        // period (its row is what a closing replica updates, so N replicas close a period once), the digests closed.
        new(3, "digests", """
            CREATE TABLE digest_alerts (
                alert_id        text PRIMARY KEY,
                subscription_id text NOT NULL,
                recorded_at     timestamptz NOT NULL,
                alert_json      text NOT NULL,
                digest_id       text NULL
            );
            CREATE INDEX digest_alerts_waiting ON digest_alerts (subscription_id, recorded_at) WHERE digest_id IS NULL;
            CREATE INDEX digest_alerts_digest ON digest_alerts (digest_id) WHERE digest_id IS NOT NULL;
            CREATE TABLE digest_periods (
                subscription_id text PRIMARY KEY,
                last_period_end timestamptz NOT NULL
            );
            CREATE TABLE scheduled_digests (
                digest_id       text PRIMARY KEY,
                subscription_id text NOT NULL,
                period_end      timestamptz NOT NULL,
                sent_at         timestamptz NULL
            );
            CREATE INDEX scheduled_digests_unsent ON scheduled_digests (period_end) WHERE sent_at IS NULL;
            """),
        // Each source's last fetch cycle (the fetcher writes it, the console's sources page reads it).
        new(4, "source-status", """
            CREATE TABLE source_status (
                source_id         text PRIMARY KEY,
                last_fetch_at     timestamptz NOT NULL,
                outcome           text NOT NULL,
                published         integer NOT NULL,
                failures_in_a_row integer NOT NULL,
                broken            boolean NOT NULL
            );
            """),
        // The console's article store: cleaned and classified articles by version with a stored tsvector (headline A, body B)
        // and its GIN index, and the alerts raised for them.
        new(5, "console-articles", """
            CREATE TABLE console_articles (
                article_id      text NOT NULL,
                version         integer NOT NULL,
                story_id        text NULL,
                source_id       text NOT NULL,
                url             text NOT NULL,
                headline        text NOT NULL,
                published_at    timestamptz NULL,
                recorded_at     timestamptz NOT NULL,
                cleaned_json    text NULL,
                classified_json text NULL,
                matched_topics  text[] NOT NULL DEFAULT '{}',
                body            text NOT NULL DEFAULT '',
                search          tsvector GENERATED ALWAYS AS
                                (setweight(to_tsvector('english', headline), 'A') || setweight(to_tsvector('english', body), 'B')) STORED,
                PRIMARY KEY (article_id, version)
            );
            CREATE INDEX console_articles_recorded ON console_articles (recorded_at);
            CREATE INDEX console_articles_story ON console_articles (story_id);
            CREATE INDEX console_articles_search ON console_articles USING gin (search);
            CREATE TABLE console_alerts (
                alert_id        text PRIMARY KEY,
                subscription_id text NOT NULL,
                article_id      text NOT NULL,
                version         integer NOT NULL,
                severity        text NOT NULL,
                recorded_at     timestamptz NOT NULL,
                alert_json      text NOT NULL
            );
            CREATE INDEX console_alerts_subscription ON console_alerts (subscription_id, recorded_at);
            CREATE INDEX console_alerts_article ON console_alerts (article_id);
            """),
        // How often each channel was tried, so the console can tell a retried delivery from a first-time one; rows from
        // before were tried at least once.
        new(6, "delivery-attempts", """
            ALTER TABLE alert_deliveries ADD COLUMN attempts integer NOT NULL DEFAULT 1;
            """),
        // Replays requested in the console and carried out by whichever alerter takes them (IReplayRequestStore).
        new(7, "replay-requests", """
            CREATE TABLE replay_requests (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                alert_id     text NOT NULL,
                requested_by text NOT NULL,
                requested_at timestamptz NOT NULL,
                state        text NOT NULL,
                taken_at     timestamptz NULL,
                finished_at  timestamptz NULL,
                results_json text NULL
            );
            CREATE INDEX replay_requests_open ON replay_requests (id) WHERE state <> 'done';
            CREATE INDEX replay_requests_alert ON replay_requests (alert_id, id);
            """),
        // Who is sending a closed digest (an alerter_instances row), so one alerter sends each: another takes it over only
        // once that holder's liveness row has aged out.
        new(8, "digest-claims", """
            ALTER TABLE scheduled_digests ADD COLUMN holder uuid NULL, ADD COLUMN claimed_at timestamptz NULL;
            """),
        // What each 'auto' source turned out to be at its URL, so a restarted or another fetcher still refuses a feed's
        // error page instead of publishing it as an article (ISeenStore.SaveAutoKindAsync).
        new(9, "auto-kinds", """
            CREATE TABLE auto_kinds (
                source_id  text PRIMARY KEY,
                url        text NOT NULL,
                is_feed    boolean NOT NULL,
                decided_at timestamptz NOT NULL
            );
            """),
    ];
}
