from django.db import migrations

NOTIFY = r"""
CREATE OR REPLACE FUNCTION jobs_job_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('job_progress', json_build_object('id', NEW.id, 'progress', NEW.progress)::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]
    operations = [
        migrations.RunSQL(NOTIFY, reverse_sql="DROP FUNCTION jobs_job_notify()"),
        migrations.RunSQL(
            sql="CREATE TRIGGER jobs_job_progress AFTER UPDATE ON jobs_job "
                "FOR EACH ROW EXECUTE FUNCTION jobs_job_notify()",
            reverse_sql="DROP TRIGGER jobs_job_progress ON jobs_job",
        ),
        migrations.RunSQL("CREATE TRIGGER steps_touch AFTER UPDATE ON job_steps "
                          "FOR EACH STATEMENT EXECUTE FUNCTION touch_steps()"),
    ]
