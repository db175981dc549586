"""The one extractor of SQL text shared by the query and transaction rules."""

import astroid
from astroid import nodes

from persistlint.context import sql


def _last_call_argument(code: str) -> nodes.NodeNG:
    """The argument of the last ``run(...)`` call of ``code``."""
    module = astroid.parse(code)
    runs = [c for c in module.nodes_of_class(nodes.Call) if getattr(c.func, "name", "") == "run"]
    return runs[-1].args[0]


def test_text_ddl_and_method_chains():
    expr = _last_call_argument('''
from sqlalchemy import DDL, text
import textwrap
BASE = "UPDATE jobs SET progress = :p"
stmt = text(BASE + " WHERE id = :id").bindparams(p=1, id=2)
ddl = DDL(textwrap.dedent("""  CREATE TRIGGER t AFTER UPDATE ON jobs  """).strip())
run(stmt)
''')
    assert sql.sql_of(expr) == "UPDATE jobs SET progress = :p WHERE id = :id"
    assert sql.kind(sql.sql_of(expr)) == sql.UPDATE
    ddl = _last_call_argument('''
from sqlalchemy import DDL
import textwrap
run(DDL(textwrap.dedent("CREATE TRIGGER t AFTER UPDATE ON jobs").strip()))
''')
    assert sql.sql_of(ddl) == "CREATE TRIGGER t AFTER UPDATE ON jobs"


def test_fstring_holes_are_chosen_by_the_caller():
    expr = _last_call_argument('run(f"LISTEN job_{kind}")')
    assert sql.sql_of(expr) == "LISTEN job_x"
    assert sql.sql_of(expr, hole="{}") == "LISTEN job_{}"


def test_select_star_and_unknown_text():
    assert sql.selects_star("SELECT * FROM orders")
    assert not sql.selects_star("SELECT count(*) FROM orders")
    assert sql.sql_of(_last_call_argument("run(make_sql())")) is None
