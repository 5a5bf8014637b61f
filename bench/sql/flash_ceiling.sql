-- B1 ceiling: the checkout's conditional stock UPDATE (catalog.services.stock_reserve) and one INSERT,
-- in one transaction, on one hot row. The INSERT only happens when the UPDATE took stock (a CTE), so
-- the ceiling is checked for oversell like the HTTP runs. Run by pgbench -D sku=<id>.
BEGIN;
WITH taken AS (
    UPDATE catalog_sku SET stock = stock - 1, updated_at = now()
    WHERE id = :sku AND stock >= 1 AND is_active
    RETURNING id
)
INSERT INTO bench_ceiling_order (sku_id, quantity, created_at) SELECT id, 1, now() FROM taken;
COMMIT;
