-- maintained by the DBA team
CREATE OR REPLACE FUNCTION notify_invoice() RETURNS trigger AS $body$
BEGIN
    NOTIFY invoice_paid;
    PERFORM pg_notify('audit_log', TG_TABLE_NAME);
    RETURN NEW;
END;
$body$ LANGUAGE plpgsql;

CREATE TRIGGER invoices_paid AFTER UPDATE OF paid ON bills
    FOR EACH ROW EXECUTE FUNCTION notify_invoice();
