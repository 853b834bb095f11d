-- analytics.daily_sales for one logical date, recomputed from analytics.orders: idempotent.
-- Bind parameter: :logical_date. The last statement's row count is reported as the task's rows out.
DELETE FROM analytics.daily_sales
WHERE sale_date = :logical_date;

INSERT INTO analytics.daily_sales (sale_date, product_category, order_count, revenue, run_id)
SELECT order_date,
       product_category,
       count(*),
       sum(total),
       max(run_id)
FROM analytics.orders
WHERE order_date = :logical_date
GROUP BY order_date, product_category;
