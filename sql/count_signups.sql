-- Signups of the logical date by country, from staging.signups (rebuilt for the date in one transaction).
-- Bind parameter: :logical_date. The last statement's row count is reported as the task's rows out.
DELETE FROM analytics.daily_signups
WHERE signup_date = :logical_date;

INSERT INTO analytics.daily_signups (signup_date, country, signups, run_id)
SELECT logical_date, country, count(*), max(run_id)
FROM staging.signups
WHERE logical_date = :logical_date
GROUP BY logical_date, country;
