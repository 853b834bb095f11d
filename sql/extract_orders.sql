-- Orders created on the logical date, read from the sales database.
-- :window_start and :window_end are the start of the logical date and of the next day, in the
-- pipeline's time zone (timestamptz); the extract is streamed, so no ORDER BY is needed.
SELECT order_id,
       customer_id,
       product_category,
       total,
       currency,
       status,
       created_at,
       updated_at
FROM public.orders
WHERE created_at >= :window_start
  AND created_at < :window_end
