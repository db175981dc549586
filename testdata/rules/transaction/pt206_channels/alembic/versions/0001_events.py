"""order and shipment events"""
from alembic import op

revision = "0001"
down_revision = None

ORDER_EVENTS = """
CREATE FUNCTION notify_order() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('order_events', NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER orders_notify AFTER INSERT OR UPDATE ON purchases FOR EACH ROW EXECUTE FUNCTION notify_order();  -- # ok: PT206
"""

SHIPMENT_EVENTS = """
CREATE FUNCTION notify_shipment() RETURNS trigger AS $$
BEGIN
    NOTIFY shipment_events;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER shipments_notify AFTER UPDATE ON parcels FOR EACH ROW EXECUTE FUNCTION notify_shipment();  -- # PT206[HIGH]: 1 "'shipment_events', which nothing in the project subscribes to"
"""


def upgrade():
    op.execute(ORDER_EVENTS)
    op.execute(SHIPMENT_EVENTS)  # ok: PT206


def downgrade():
    op.execute("DROP TRIGGER orders_notify ON purchases")
