"""Trigger discovery (persistlint.context.migrations) on the fixture
migration trees and on tricky SQL."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from sqlparse.exceptions import SQLParseError

from persistlint.context import migrations
from tests.harness import RULE_FIXTURES

TRANSACTION = RULE_FIXTURES / "transaction"


def scan_tree(root: Path) -> tuple[dict[str, dict], list[str]]:
    files = sorted(p for p in root.rglob("*") if p.suffix in {".py", ".sql"})
    triggers, problems = migrations.scan(root, files)
    return {t["name"]: t for t in triggers}, problems


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_alembic_tree_notify_counter_dropped_and_broken():
    triggers, problems = scan_tree(TRANSACTION / "pt201_notify_trigger")

    assert set(triggers) == {"jobs_notify", "accounts_total"}
    jobs = triggers["jobs_notify"]
    assert jobs == {
        "name": "jobs_notify", "table": "jobs", "event": "UPDATE OF status, progress",
        "events": ["UPDATE"], "columns": ["status", "progress"], "timing": "AFTER", "level": "ROW",
        "function": "notify_job", "notifies": True, "channel": "job_progress",
        "channels": ["job_progress"], "source": "alembic/versions/b1_jobs.py:23",
    }
    counter = triggers["accounts_total"]
    assert (counter["table"], counter["function"], counter["notifies"], counter["channel"]) == \
        ("accounts", "bump_total", False, None)
    # a3_drop_tasks_trigger.py sorts first by name but runs last by revision
    assert "tasks_notify" not in triggers
    assert problems == ["alembic/versions/d4_broken.py:13: CREATE TRIGGER not understood; skipped"]


def test_sql_file_and_python_constants_publish_channels():
    triggers, problems = scan_tree(TRANSACTION / "pt206_channels")

    assert problems == []
    assert triggers["invoices_paid"]["channels"] == ["invoice_paid", "audit_log"]
    assert triggers["invoices_paid"]["source"] == "db/triggers.sql:10"
    assert triggers["invoices_paid"]["event"] == "UPDATE OF paid"
    assert triggers["shipments_notify"]["channel"] == "shipment_events"
    assert (triggers["orders_notify"]["events"], triggers["orders_notify"]["table"]) == (["INSERT", "UPDATE"], "purchases")


def test_filename_order_when_there_is_no_revision_chain(tmp_path):
    write(tmp_path, {
        "sql/001_create.sql": """
            CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER t AFTER DELETE ON items EXECUTE FUNCTION f();
        """,
        "sql/002_drop.sql": "DROP TRIGGER t ON items;",
        "sql/003_again.sql": "CREATE TRIGGER t2 BEFORE INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION f();",
    })
    triggers, _ = scan_tree(tmp_path)
    assert set(triggers) == {"t2"}
    assert (triggers["t2"]["timing"], triggers["t2"]["level"]) == ("BEFORE", "STATEMENT")


def test_django_run_sql_by_dependencies_reverse_sql_ignored(tmp_path):
    write(tmp_path, {
        "shop/migrations/0002_notify.py": """
            from django.db import migrations

            SQL = '''
            CREATE OR REPLACE FUNCTION shop_notify() RETURNS trigger AS $fn$
            BEGIN PERFORM pg_notify('shop_orders', NEW.id::text); RETURN NEW; END;
            $fn$ LANGUAGE plpgsql;
            '''

            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial")]
                operations = [
                    migrations.RunSQL(SQL),
                    migrations.RunSQL(
                        sql=["CREATE TRIGGER shop_order_notify AFTER INSERT ON shop_order "
                             "FOR EACH ROW EXECUTE PROCEDURE shop_notify()"],
                        reverse_sql="DROP TRIGGER shop_order_notify ON shop_order",
                    ),
                ]
        """,
        # sorts after 0002 by name, but 0002 depends on it: its drop runs first
        "shop/migrations/0001_initial.py": """
            from django.db import migrations

            class Migration(migrations.Migration):
                dependencies = []
                operations = [migrations.RunSQL("DROP TRIGGER IF EXISTS shop_order_notify ON shop_order",
                                                "SELECT 1")]
        """,
    })
    triggers, problems = scan_tree(tmp_path)
    assert problems == []
    assert triggers["shop_order_notify"]["channel"] == "shop_orders"
    assert triggers["shop_order_notify"]["table"] == "shop_order"


def test_sqlalchemy_ddl_listener_and_fstring(tmp_path):
    write(tmp_path, {
        "app/models.py": """
            from sqlalchemy import DDL, event
            from app.base import jobs_table

            CHANNEL = "jobs"
            notify = DDL(
                "CREATE FUNCTION jobs_notify() RETURNS trigger AS $$ BEGIN "
                "PERFORM pg_notify(TG_ARGV[0], NEW.id::text); RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            event.listen(jobs_table, "after_create", notify)

            @event.listens_for(jobs_table, "after_create")
            def create_trigger(target, connection, **kw):
                connection.execute(DDL(f"CREATE TRIGGER {CHANNEL}_t AFTER UPDATE ON jobs "
                                       "FOR EACH ROW EXECUTE FUNCTION jobs_notify()"))
        """,
    })
    triggers, problems = scan_tree(tmp_path)
    assert problems == []
    # the f-string hole becomes {} in the trigger name; the channel is computed
    (trigger,) = triggers.values()
    assert (trigger["table"], trigger["notifies"], trigger["channel"]) == ("jobs", True, None)


@pytest.mark.parametrize("sql, expected", [
    ('CREATE CONSTRAINT TRIGGER "Audit" AFTER INSERT OR DELETE ON "Sales"."Orders" '
     "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE PROCEDURE audit.log_change()",
     {"name": "audit", "table": "orders", "events": ["INSERT", "DELETE"], "function": "log_change",
      "level": "ROW"}),
    ("CREATE TRIGGER v_ins INSTEAD OF INSERT ON order_view FOR EACH ROW EXECUTE FUNCTION ins()",
     {"timing": "INSTEAD OF", "table": "order_view", "event": "INSERT"}),
    ("CREATE TRIGGER w AFTER UPDATE ON t FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) "
     "EXECUTE FUNCTION f()", {"function": "f", "level": "ROW"}),
    ("CREATE TRIGGER IF NOT EXISTS lite AFTER UPDATE ON notes BEGIN UPDATE counts SET n = n + 1; END;",
     {"name": "lite", "table": "notes", "function": None}),
])
def test_tricky_create_trigger(tmp_path, sql, expected):
    write(tmp_path, {"schema.sql": sql})
    triggers, problems = scan_tree(tmp_path)
    assert problems == []
    (trigger,) = triggers.values()
    assert {key: trigger[key] for key in expected} == expected


def test_function_replaced_dropped_and_cascaded(tmp_path):
    write(tmp_path, {
        "a.sql": """
            CREATE FUNCTION n() RETURNS trigger AS $x$ BEGIN NOTIFY first; RETURN NEW; END $x$ LANGUAGE plpgsql;
            CREATE TRIGGER one AFTER UPDATE ON t EXECUTE FUNCTION n();
            CREATE TRIGGER two AFTER UPDATE ON u EXECUTE FUNCTION gone();
            -- a comment; with a semicolon
            CREATE FUNCTION gone() RETURNS trigger AS 'BEGIN PERFORM pg_notify(''quoted'', ''x''); RETURN NEW; END' LANGUAGE plpgsql;
        """,
        "b.sql": """
            CREATE OR REPLACE FUNCTION n() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;
            DROP FUNCTION IF EXISTS other() CASCADE;
            DROP TABLE IF EXISTS unrelated;
        """,
    })
    triggers, _ = scan_tree(tmp_path)
    assert triggers["one"]["notifies"] is False  # the later definition has no NOTIFY
    assert triggers["two"]["channel"] == "quoted"
    assert triggers["two"]["source"] == "a.sql:4"

    write(tmp_path, {"c.sql": "DROP FUNCTION gone() CASCADE; DROP TABLE t;"})
    triggers, _ = scan_tree(tmp_path)
    assert set(triggers) == set()


@pytest.mark.parametrize("files", [
    {"m.py": "def upgrade(:\n    op.execute('CREATE TRIGGER x')\n"},  # Python syntax error
    {"m.sql": "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NOTIFY c; -- never closed"},
    {"m.sql": "CREATE TRIGGER"},
    {"m.sql": "DROP TRIGGER"},
    {"m.sql": "DROP FUNCTION"},
    {"m.py": "op.execute(*args)\nop.execute(sql=None)\nRunSQL()\nDDL(1)\nop.execute(f'{a}{b} TRIGGER')\n"},
    {"m.py": "X = Y\nY = X\ndef upgrade():\n    op.execute(X)  # trigger\n"},
])
def test_odd_input_never_raises(tmp_path, files):
    write(tmp_path, files)
    (tmp_path / "bytes.sql").write_bytes(b"CREATE TRIGGER \xff\xfe AFTER UPDATE ON t EXECUTE FUNCTION f();")
    triggers, problems = scan_tree(tmp_path)
    assert isinstance(triggers, dict) and all(isinstance(p, str) and "\n" not in p for p in problems)


def test_syntax_error_is_one_problem(tmp_path):
    write(tmp_path, {"versions/m.py": "def upgrade(:\n    op.execute('CREATE TRIGGER x')\n"})
    _, problems = scan_tree(tmp_path)
    assert problems == ["versions/m.py: cannot parse for triggers (SyntaxError)"]


@pytest.mark.parametrize("sql, expected", [
    ("SELECT pg_notify('jobs', 'x')", [("publish", "jobs")]),
    ("NOTIFY Jobs, 'payload'", [("publish", "jobs")]),
    ('NOTIFY "Jobs"', [("publish", "Jobs")]),
    ("LISTEN order_events; UNLISTEN *", [("subscribe", "order_events")]),
    ("SELECT pg_notify(:channel, :payload)", [("publish", None)]),
    ("SELECT 1 -- NOTIFY nothing", []),
])
def test_sql_channels(sql, expected):
    assert list(migrations.sql_channels(sql)) == expected


def test_renamed_trigger_and_function(tmp_path):
    write(tmp_path, {"a.sql": """
        CREATE FUNCTION n() RETURNS trigger AS $$ BEGIN NOTIFY renamed; RETURN NEW; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER old_name AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION n();
        ALTER TRIGGER old_name ON t RENAME TO new_name;
        ALTER FUNCTION n() RENAME TO n_v1;
    """})
    triggers, problems = scan_tree(tmp_path)
    assert problems == []
    assert set(triggers) == {"new_name"}
    assert (triggers["new_name"]["function"], triggers["new_name"]["channel"]) == ("n_v1", "renamed")


def test_trigger_tables_map_to_models_without_the_registry(tmp_path):
    """Rules find a model's table from the class itself when the model
    registry does not list it (``__tablename__``, Django ``Meta.db_table`` or
    ``<app>_<model>``)."""
    from persistlint.context import FileContext, ProjectContext, infer
    from persistlint.context import models as model_lookups
    from persistlint.settings import Settings

    source = textwrap.dedent("""
        from django.db import models
        from sqlalchemy.orm import DeclarativeBase

        class Base(DeclarativeBase):
            pass

        class Job(Base):
            __tablename__ = "Jobs"

        class Ticket(models.Model):
            class Meta:
                db_table = "support_tickets"

        class Invoice(models.Model):
            pass
    """)
    path = write(tmp_path, {"shop/models.py": source}) / "shop" / "models.py"
    module = infer.parse(source, path, tmp_path)
    project = ProjectContext(root=tmp_path, settings=Settings())  # empty registry
    ctx = FileContext(module, path, "shop/models.py", project, Settings(), source)
    assert [model_lookups.table_of(f"shop.models.{name}", ctx) for name in ("Job", "Ticket", "Invoice", "Base")] \
        == ["jobs", "support_tickets", "shop_invoice", None]


# ---------------------------------------------------------------- SQL that cannot be delimited

UNTERMINATED = {
    "dollar quote": "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN PERFORM pg_notify('a', 'x');",
    "tagged dollar quote": "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN RETURN NEW; END;",
    "single quote": "INSERT INTO notes VALUES ('it is;",
    "quoted identifier": 'CREATE TABLE "odd;',
}


@pytest.mark.parametrize("start", UNTERMINATED)
def test_nothing_after_an_unterminated_quote_is_registered(tmp_path, start):
    """PostgreSQL reads everything after an unterminated ``$$`` or quote as
    part of the string: the triggers written after it never exist."""
    write(tmp_path, {"schema.sql": f"""\
        CREATE TRIGGER before_it AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION g();
        {UNTERMINATED[start]}
        CREATE TRIGGER after_it AFTER UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION f();
        CREATE TRIGGER also_after AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f();
        """})
    triggers, problems = scan_tree(tmp_path)
    assert set(triggers) == {"before_it"}
    [problem] = problems
    assert problem.startswith("schema.sql:2: unterminated ")
    assert problem.endswith("skipped from there to the end")


def test_a_statement_that_fails_skips_only_itself(tmp_path, monkeypatch):
    """An error inside one delimited statement (here sqlparse's own limit)
    costs that statement, named with its line, not the ones after it."""
    real = migrations._words

    def limited(statement):
        if "first" in statement:
            raise SQLParseError("Maximum number of tokens exceeded")
        return real(statement)

    monkeypatch.setattr(migrations, "_words", limited)
    write(tmp_path, {"schema.sql": """\
        CREATE TRIGGER first AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION g();

        CREATE TRIGGER second AFTER INSERT ON b FOR EACH ROW EXECUTE FUNCTION g();
        """})
    triggers, problems = scan_tree(tmp_path)
    assert set(triggers) == {"second"}
    assert problems == ["schema.sql:1: SQL not understood (SQLParseError); skipped"]


def test_an_unterminated_dollar_quote_in_a_migration_through_the_cli(tmp_path):
    """The sample project with a migration whose function body never ends:
    its trigger is not registered, and the context says why and where."""
    import json
    import shutil

    from tests import harness

    shop = Path(shutil.copytree(harness.TESTDATA / "projects" / "shop", tmp_path / "shop"))
    (shop / "alembic" / "versions" / "0003_broken.py").write_text(textwrap.dedent('''\
        from alembic import op

        revision = "0003"
        down_revision = "0002"


        def upgrade():
            op.execute("""
                CREATE FUNCTION notify_orders() RETURNS trigger AS $$
                BEGIN PERFORM pg_notify('orders', NEW.id::text);
                CREATE TRIGGER orders_notify AFTER UPDATE ON orders
                    FOR EACH ROW EXECUTE FUNCTION notify_orders();
            """)
        '''), encoding="utf-8")
    result = harness.persistlint("context", "--rebuild", str(shop), cwd=shop)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [t["name"] for t in data["db_config"]["triggers"]] == ["job_progress_trigger"]
    assert "alembic/versions/0003_broken.py:9: unterminated $$ quote in SQL; skipped from there to the end" \
        in data["problems"]
