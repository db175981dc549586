from django.db import migrations

NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION notify_book_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('book_changes', NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER book_change_trigger
AFTER INSERT OR UPDATE ON catalog_book
FOR EACH ROW EXECUTE FUNCTION notify_book_change();
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=[NOTIFY_FUNCTION, TRIGGER],
            reverse_sql="DROP TRIGGER IF EXISTS book_change_trigger ON catalog_book;"
                        "DROP FUNCTION IF EXISTS notify_book_change();",
        ),
    ]
