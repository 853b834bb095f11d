-- The demo pipeline daily_signups (routes/local/daily-signups.camel.yaml): the customers of the CRM
-- who signed up on a date, as extracted, and their count by country.
CREATE TABLE staging.signups (
    logical_date date        NOT NULL,
    run_id       bigint      NOT NULL,
    customer_id  bigint,
    name         text,
    email        text,
    country      text,
    created_at   timestamp,
    loaded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staging_signups_date ON staging.signups (logical_date);

CREATE TABLE analytics.daily_signups (
    signup_date date   NOT NULL,
    country     text   NOT NULL,
    signups     bigint NOT NULL,
    run_id      bigint NOT NULL,
    PRIMARY KEY (signup_date, country)
);
