-- analytics.orders for one logical date, rebuilt from staging.orders: running it twice changes nothing.
-- Bind parameter: :logical_date. The last statement's row count is reported as the task's rows out.
DELETE FROM analytics.orders
WHERE order_date = :logical_date;

INSERT INTO analytics.orders (order_date, order_id, customer_id, product_category, total, currency,
                              status, created_at, updated_at, run_id)
SELECT logical_date,
       order_id,
       customer_id,
       coalesce(nullif(lower(trim(product_category)), ''), 'unknown'),
       total,
       upper(trim(currency)),
       lower(trim(status)),
       created_at,
       updated_at,
       run_id
FROM staging.orders
WHERE logical_date = :logical_date;
