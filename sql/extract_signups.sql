-- The customers of the CRM (MariaDB crm.customers) who signed up on the logical date.
-- Bind parameters: :window_start (included) and :window_end (excluded), the date's day in the pipeline's time zone.
SELECT id AS customer_id, name, email, country, created_at
FROM customers
WHERE created_at >= :window_start AND created_at < :window_end
ORDER BY id
