-- apns-gateway schema, one text for SQLite and PostgreSQL: ${serial_id} is the dialect's auto-numbered key (Dialect).
-- Times are epoch milliseconds (BIGINT).

CREATE TABLE apps (
    app_id       TEXT   NOT NULL,
    environment  TEXT   NOT NULL,
    spec         TEXT   NOT NULL,   -- the provisioning document, credentials included: protect the database
    fingerprint  TEXT   NOT NULL,
    expires_at   BIGINT,
    version      BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (app_id, environment)
);

CREATE TABLE notifications (
    id              ${serial_id},
    apns_id         TEXT    NOT NULL UNIQUE,
    app_id          TEXT    NOT NULL,
    environment     TEXT    NOT NULL,
    token           TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    identifier      TEXT,
    expiry          BIGINT,
    priority        INTEGER,
    push_type       TEXT,
    collapse_id     TEXT,
    topic           TEXT,
    state           TEXT    NOT NULL,
    owner           TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    finished_at     BIGINT,
    http_status     INTEGER,
    reason          TEXT,
    detail          TEXT,
    invalid_since   BIGINT,
    apns_unique_id  TEXT,
    possibly_sent   BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX notifications_queued ON notifications (id) WHERE state = 'queued';
CREATE INDEX notifications_rejected ON notifications (finished_at) WHERE state = 'rejected';
CREATE INDEX notifications_owner ON notifications (owner) WHERE state = 'sending';
CREATE INDEX notifications_app ON notifications (app_id, environment, id);

CREATE TABLE requests (
    app_id       TEXT   NOT NULL,
    environment  TEXT   NOT NULL,
    idem_key     TEXT   NOT NULL,
    response     TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (app_id, environment, idem_key)
);

CREATE TABLE dead_tokens (
    app_id       TEXT   NOT NULL,
    environment  TEXT   NOT NULL,
    token        TEXT   NOT NULL,
    reason       TEXT   NOT NULL,
    since        BIGINT NOT NULL,
    source       TEXT   NOT NULL,
    recorded_at  BIGINT NOT NULL,
    PRIMARY KEY (app_id, environment, token)
);

CREATE TABLE disconnections (
    id           ${serial_id},
    app_id       TEXT   NOT NULL,
    environment  TEXT   NOT NULL,
    at           BIGINT NOT NULL,
    token        TEXT,
    apns_id      TEXT,
    identifier   TEXT,
    reason       TEXT   NOT NULL,
    detail       TEXT
);
CREATE INDEX disconnections_app ON disconnections (app_id, environment, id);

CREATE TABLE instances (
    id            TEXT   PRIMARY KEY,
    started_at    BIGINT NOT NULL,
    heartbeat_at  BIGINT NOT NULL
);
