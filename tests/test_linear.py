"""``persistlint report --linear`` against a fake Linear server.

The fake server listens on 127.0.0.1 (real HTTP) and executes each request
with graphql-core against the subset schema in ``testdata/linear/``, which a
test here keeps faithful to Linear's published schema in ``../shared``.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import graphql
import pytest
from click.testing import CliRunner

from persistlint.cli import main
from persistlint.report import linear
from tests.harness import SHARED, TESTDATA

SUBSET = TESTDATA / "linear" / "schema.graphql"
FULL = SHARED / "linear" / "schema.graphql"
KEY = "lin_api_test0123456789"
DATE = "2026-03-14"
TITLE = f"Persistence & Performance Audit: {DATE}"
TEAM_ID = "7f0c2a1e-8a5b-4a51-9e2d-1c3b5a7d9e01"

RESOLVED = ("teams", "projects", "issueLabels", "issues", "issueLabelCreate", "issueCreate", "issueUpdate")
COMPARATORS = {"eq", "eqIgnoreCase", "startsWith", "contains", "in"}


# -- the fake Linear ----------------------------------------------------------------

def _compare(value, condition: dict) -> bool:
    for operator, expected in condition.items():
        text = "" if value is None else str(value)
        if operator == "eq" and value != expected:
            return False
        if operator == "eqIgnoreCase" and text.lower() != str(expected).lower():
            return False
        if operator == "startsWith" and not text.startswith(expected):
            return False
        if operator == "contains" and expected not in text:
            return False
        if operator == "in" and value not in expected:
            return False
    return True


def matches(item: dict | None, filter_: dict) -> bool:
    """Linear's filter semantics for the parts of the subset schema."""
    for key, condition in filter_.items():
        if key == "and":
            ok = all(matches(item, part) for part in condition)
        elif key == "or":
            ok = any(matches(item, part) for part in condition)
        elif key == "null":
            ok = (item is None) == condition
        elif key in ("some", "every"):
            test = any if key == "some" else all
            ok = test(matches(element, condition) for element in item)
        elif item is None:
            ok = False
        elif set(condition) <= COMPARATORS:
            ok = _compare(item.get(key), condition)
        else:
            ok = matches(item.get(key), condition)
        if not ok:
            return False
    return True


class FakeLinear:
    def __init__(self) -> None:
        self.schema = graphql.build_schema(SUBSET.read_text(encoding="utf-8"))
        self.team = {"id": TEAM_ID, "key": "SHOP", "name": "Shop"}
        other = {"id": "0d7e5c3b-1111-4222-8333-944455556666", "key": "OPS", "name": "Ops"}
        self.teams = [self.team, other]
        self.projects = [
            {"id": "p-ops", "name": "Epic 0: Ops foundations", "accessibleTeams": [other]},
            {"id": "p-epic0", "name": "Epic 0: Audit backlog", "accessibleTeams": [self.team]},
            {"id": "p-epic1", "name": "Epic 1: Checkout", "accessibleTeams": [self.team]},
        ]
        self.labels = [
            {"id": "l-perf", "name": "Performance", "team": None},  # workspace label
            {"id": "l-audit", "name": "audit", "team": self.team},
            {"id": "l-audit-ops", "name": "refactoring", "team": other},  # another team's
        ]
        self.issues: list[dict] = []
        self.requests: list[dict] = []
        self.faults: list[dict] = []  # consumed in order by the requests they match
        self.invalid: list = []  # requests the schema rejected (must stay empty)
        self._ids = itertools.count(1)

    # resolvers: graphql-core calls a root value's callables with info and the arguments
    def resolve_teams(self, info, filter=None):
        return {"nodes": [t for t in self.teams if matches(t, filter or {})]}

    def resolve_projects(self, info, filter=None):
        return {"nodes": [p for p in self.projects if matches(p, filter or {})]}

    def resolve_issueLabels(self, info, filter=None, first=None):
        return {"nodes": [label for label in self.labels if matches(label, filter or {})][:first]}

    def resolve_issues(self, info, filter=None):
        return {"nodes": [i for i in self.issues if matches(i, filter or {})]}

    def resolve_issueLabelCreate(self, info, input):
        team = next(t for t in self.teams if t["id"] == input["teamId"])
        label = {"id": f"l-new-{next(self._ids)}", "name": input["name"], "team": team}
        self.labels.append(label)
        return {"success": True, "issueLabel": label}

    def resolve_issueCreate(self, info, input):
        team = next(t for t in self.teams if t["id"] == input["teamId"])
        number = len([i for i in self.issues if i["team"] is team]) + 1
        issue = {"id": f"i-{next(self._ids)}", "identifier": f"{team['key']}-{number}",
                 "url": f"https://linear.test/issue/{team['key']}-{number}", "team": team,
                 "project": next((p for p in self.projects if p["id"] == input.get("projectId")), None),
                 **{k: v for k, v in input.items() if k not in ("teamId", "projectId")}}
        self.issues.append(issue)
        return {"success": True, "issue": issue}

    def resolve_issueUpdate(self, info, id, input):
        issue = next(i for i in self.issues if i["id"] == id)
        issue.update({k: v for k, v in input.items() if k != "projectId"})
        return {"success": True, "issue": issue}

    def operations(self) -> list[str]:
        return [r["operation"] for r in self.requests]

    def answer(self, body: dict, authorization: str | None) -> tuple[int, dict, dict]:
        name = body.get("operationName")
        self.requests.append({"operation": name, "variables": body.get("variables"),
                              "authorization": authorization})
        fault = next((f for f in self.faults if f.get("operation") in (None, name)), None)
        if fault is not None:
            self.faults.remove(fault)
        if fault and fault["kind"] == "status":
            return fault["status"], fault.get("body", {"errors": [{"message": "fault"}]}), fault.get("headers", {})
        if authorization != KEY:
            return 401, {"errors": [{"message": "Authentication required, not authenticated",
                                     "extensions": {"code": "AUTHENTICATION_ERROR"}}]}, {}
        root = {field: getattr(self, f"resolve_{field}") for field in RESOLVED}
        result = graphql.graphql_sync(self.schema, body["query"], root_value=root,
                                      variable_values=body.get("variables"), operation_name=name)
        payload = result.formatted
        if result.errors:
            self.invalid.append(result.errors)
            return 400, payload, {}
        if fault and fault["kind"] == "lost":  # done, but the answer never arrives
            return 500, {"errors": [{"message": "upstream timeout"}]}, {}
        return 200, payload, {}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status, payload, headers = self.server.fake.answer(body, self.headers.get("Authorization"))
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.fake = FakeLinear()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("LINEAR_API_URL", f"http://127.0.0.1:{server.server_port}/graphql")
    monkeypatch.setenv("LINEAR_API_KEY", KEY)
    yield server.fake
    server.shutdown()
    assert server.fake.invalid == []
    server.server_close()


@pytest.fixture
def waits(monkeypatch):
    """The client's pauses, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(linear, "pause", recorded.append)
    return recorded


BOARD = """# Kanban board

## Linear Configuration

| Setting | Value |
|---------|-------|
| Team Name | Shop |
| Team Key | `SHOP` |
| Workflow | default |

## Backlog
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (root / "app" / "jobs.py").write_text(
        "import time\n\n\nasync def poll():\n    time.sleep(1)\n")
    (root / "docs" / "tasks").mkdir(parents=True)
    (root / "docs" / "tasks" / "kanban_board.md").write_text(BOARD)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return root


def report(root: Path, *extra: str):
    result = CliRunner().invoke(main, ["report", str(root), "--date", DATE, "--linear", *extra])
    return result


def saved_report(root: Path) -> Path:
    return Path.cwd() / f"persistlint-report-{DATE}.md"


# -- end to end ---------------------------------------------------------------------

def test_creates_one_issue_in_the_boards_team_and_epic_0_project(fake, project, waits):
    result = report(project)
    assert result.exit_code == 1, result.output  # findings
    assert len(fake.issues) == 1
    issue = fake.issues[0]
    assert issue["title"] == TITLE
    assert issue["team"]["key"] == "SHOP"  # resolved from the board's Team Key
    assert issue["project"]["id"] == "p-epic0"  # not the other team's Epic 0, not Epic 1
    assert issue["priority"] == 3  # highest severity MEDIUM (a sleep in a background coroutine)
    assert issue["description"] == saved_report(project).read_text()
    assert issue["description"].startswith(f"# Persistence & Performance Audit Report - {DATE}")
    labels = {label["id"]: label for label in fake.labels}
    names = sorted(labels[i]["name"].lower() for i in issue["labelIds"])
    assert names == ["audit", "performance", "refactoring"]
    # the workspace "Performance" and the team's "audit" are reused; only
    # "refactoring" (which exists in another team only) is created, in this team
    assert "l-perf" in issue["labelIds"] and "l-audit" in issue["labelIds"]
    created = [r for r in fake.requests if r["operation"] == "LabelCreate"]
    assert [r["variables"]["input"]["name"] for r in created] == ["refactoring"]
    assert created[0]["variables"]["input"]["teamId"] == TEAM_ID
    assert all(r["authorization"] == KEY for r in fake.requests)  # bare personal key
    assert "SHOP-1 created" in result.stderr
    assert waits == []


def test_rerun_updates_the_same_issue(fake, project, waits):
    assert report(project).exit_code == 1
    (project / "app" / "jobs.py").write_text(
        "import time\n\n\nasync def poll():\n    time.sleep(1)\n    time.sleep(2)\n")
    result = report(project)
    assert result.exit_code == 1, result.output
    assert len(fake.issues) == 1
    assert "time.sleep(2)" in fake.issues[0]["description"]
    assert fake.operations().count("IssueCreate") == 1
    assert fake.operations().count("IssueUpdate") == 1
    assert fake.operations().count("LabelCreate") == 1  # the label made by the first run is reused
    assert "SHOP-1 updated" in result.stderr


def test_linear_team_option_overrides_the_board(fake, project, waits):
    result = report(project, "--linear-team", "ops")
    assert result.exit_code == 1, result.output
    assert fake.issues[0]["team"]["key"] == "OPS"
    assert fake.issues[0]["project"]["id"] == "p-ops"


def test_team_uuid_from_the_board_is_used_directly(fake, project, waits):
    board = project / "docs" / "tasks" / "kanban_board.md"
    board.write_text(BOARD.replace("| Workflow | default |", f"| Team UUID | {TEAM_ID} |"))
    assert report(project).exit_code == 1
    assert fake.operations()[0] == "TeamById"
    assert fake.requests[0]["variables"] == {"id": TEAM_ID}
    assert fake.issues[0]["team"]["id"] == TEAM_ID


def test_unknown_team_is_a_one_line_error_without_retry(fake, project, waits):
    result = report(project, "--linear-team", "NOPE")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 1  # "report saved to" line, then the error
    assert "team 'NOPE' not found" in result.stderr
    assert fake.operations() == ["TeamByKeyOrName"]
    assert saved_report(project).exists()


def test_missing_epic_0_project_is_an_error(fake, project, waits):
    fake.projects = [p for p in fake.projects if p["id"] != "p-epic0"]
    result = report(project)
    assert result.exit_code == 2
    assert "no project whose name starts with 'Epic 0' in team SHOP" in result.stderr
    assert fake.issues == []


def test_authentication_error_is_not_retried_and_the_key_never_shown(fake, project, waits, monkeypatch):
    monkeypatch.setenv("LINEAR_API_KEY", "lin_api_wrong_key_42")
    result = report(project)
    assert result.exit_code == 2
    assert "authentication failed" in result.stderr
    assert len(fake.requests) == 1 and waits == []
    assert "lin_api_wrong_key_42" not in result.output + result.stderr
    assert "lin_api_wrong_key_42" not in saved_report(project).read_text()
    assert saved_report(project).exists()


def test_oauth_token_is_sent_as_bearer():
    assert linear.authorization("lin_oauth_abc") == "Bearer lin_oauth_abc"
    assert linear.authorization("lin_api_abc") == "lin_api_abc"
    assert linear.authorization("Bearer xyz") == "Bearer xyz"


def test_server_error_then_success(fake, project, waits):
    fake.faults.append({"operation": "IssueCreate", "kind": "status", "status": 500})
    result = report(project)
    assert result.exit_code == 1, result.stderr
    assert len(fake.issues) == 1
    assert waits == [linear.BASE_DELAY]
    # before repeating a create the client looks again, then creates
    ops = fake.operations()
    assert ops[ops.index("IssueCreate"):] == ["IssueCreate", "IssueByTitle", "IssueCreate"]


def test_lost_answer_to_a_create_does_not_duplicate(fake, project, waits):
    fake.faults.append({"operation": "IssueCreate", "kind": "lost"})
    result = report(project)
    assert result.exit_code == 1, result.stderr
    assert len(fake.issues) == 1
    assert fake.operations().count("IssueCreate") == 1
    assert "SHOP-1 created" in result.stderr


@pytest.mark.parametrize(("status", "shape"), [(400, "code"), (429, "type")])
def test_rate_limit_then_success_waits_until_reset(fake, project, waits, monkeypatch, status, shape):
    import time

    reset_ms = int((time.time() + 2.0) * 1000)
    fake.faults.append({"operation": "Labels", "kind": "status", "status": status,
                        "body": {"errors": [{"message": "Rate limit exceeded",
                                             "extensions": {shape: "RATELIMITED"}}]},
                        "headers": {"X-RateLimit-Requests-Reset": str(reset_ms)}})
    started = time.time()
    result = report(project)
    ended = time.time()
    assert result.exit_code == 1, result.stderr
    assert len(fake.issues) == 1
    # the wait is the time left until the reset when the answer came, however
    # long the run took to get there on a loaded machine
    reset = reset_ms / 1000
    assert len(waits) == 1 and max(0.0, reset - ended) <= waits[0] <= reset - started


def test_rate_limit_wait_is_capped(fake, project, waits):
    import time

    fake.faults.append({"operation": None, "kind": "status", "status": 429,
                        "body": {"errors": [{"message": "slow down", "extensions": {"code": "RATELIMITED"}}]},
                        "headers": {"X-RateLimit-Requests-Reset": str(int((time.time() + 3600) * 1000))}})
    assert report(project).exit_code == 1
    assert waits == [linear.MAX_DELAY]


def test_errors_in_an_http_200_answer_fail(fake, project, waits):
    fake.faults.append({"operation": "IssueCreate", "kind": "status", "status": 200,
                        "body": {"data": None, "errors": [{"message": "Entity not found: Project"}]}})
    result = report(project)
    assert result.exit_code == 2
    assert "IssueCreate: Entity not found: Project" in result.stderr
    assert waits == [] and fake.issues == []


def test_persistent_server_errors_give_up(fake, project, waits):
    for _ in range(linear.ATTEMPTS):
        fake.faults.append({"operation": "TeamByKeyOrName", "kind": "status", "status": 503})
    result = report(project)
    assert result.exit_code == 2
    assert f"gave up after {linear.ATTEMPTS} attempts" in result.stderr
    assert waits == [linear.BASE_DELAY * 2 ** n for n in range(linear.ATTEMPTS - 1)]


def test_unreachable_server_still_writes_the_report(project, waits, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("LINEAR_API_URL", f"http://127.0.0.1:{port}/graphql")
    monkeypatch.setenv("LINEAR_API_KEY", KEY)
    output = project.parent / "audit.md"
    result = report(project, "--output", str(output))
    assert result.exit_code == 2
    assert "network error" in result.stderr
    assert output.read_text().startswith(f"# Persistence & Performance Audit Report - {DATE}")
    assert len(waits) == linear.ATTEMPTS - 1


def test_no_findings_no_issue(fake, project, waits):
    (project / "app" / "jobs.py").write_text("import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n")
    result = report(project)
    assert result.exit_code == 0
    assert "no findings; no Linear issue filed" in result.stderr
    assert fake.requests == []


def test_missing_key_is_an_error_after_the_report_is_saved(fake, project, monkeypatch):
    monkeypatch.delenv("LINEAR_API_KEY")
    result = report(project)
    assert result.exit_code == 2
    assert "LINEAR_API_KEY is not set" in result.stderr
    assert saved_report(project).exists() and fake.requests == []


def test_dry_run_prints_operations_and_sends_nothing(fake, project):
    result = report(project, "--dry-run")
    assert result.exit_code == 1, result.stderr
    assert fake.requests == []
    assert KEY not in result.output + result.stderr
    assert "Authorization: <redacted>" in result.stderr
    for name in ("TeamByKeyOrName", "EpicProject", "Labels", "LabelCreate", "IssueByTitle", "IssueCreate"):
        assert f"--- {name}" in result.stderr
    assert '"ref": "SHOP"' in result.stderr
    assert "nothing was sent to Linear" in result.stderr
    assert not saved_report(project).exists()  # nothing can fail, so nothing extra is written


# -- the board ----------------------------------------------------------------------

@pytest.mark.parametrize(("table", "expected"), [
    ("| Setting | Value |\n|---|---|\n| Team Key | SHOP |\n| Team ID | team-42 |\n", "team-42"),
    (f"| Team UUID | {TEAM_ID} |\n| Team ID | x |\n", TEAM_ID),
    ("| Team Name | Team Key | Team UUID |\n|---|---|---|\n| Shop | **SHOP** | [uuid] |\n", "SHOP"),
    ("| Team Key | N/A |\n", None),
])
def test_board_team(tmp_path, table, expected):
    (tmp_path / "docs" / "tasks").mkdir(parents=True)
    (tmp_path / "docs" / "tasks" / "kanban_board.md").write_text(
        f"# Board\n\n## Linear Configuration\n\n{table}\n## Other\n\n| Team Key | WRONG |\n")
    assert linear.board_team(tmp_path) == expected


# -- the schemas --------------------------------------------------------------------

needs_shared = pytest.mark.skipif(not FULL.is_file(), reason="../shared/linear is not present")


@pytest.fixture(scope="session")
def full_schema():
    return graphql.build_schema(FULL.read_text(encoding="utf-8"))


@needs_shared
@pytest.mark.parametrize("name", sorted(linear.DOCUMENTS))
def test_every_document_validates_against_linears_schema(full_schema, name):
    assert graphql.validate(full_schema, graphql.parse(linear.DOCUMENTS[name])) == []


@needs_shared
def test_subset_schema_is_faithful(full_schema):
    subset = graphql.build_schema(SUBSET.read_text(encoding="utf-8"))
    for name, kind in subset.type_map.items():
        if name.startswith("__") or isinstance(kind, graphql.GraphQLScalarType):
            continue
        real = full_schema.type_map.get(name)
        assert real is not None and type(real) is type(kind), name
        for field_name, field in kind.fields.items():
            assert field_name in real.fields, f"{name}.{field_name}"
            real_field = real.fields[field_name]
            assert str(field.type) == str(real_field.type), f"{name}.{field_name}"
            for arg_name, arg in getattr(field, "args", {}).items():
                assert arg_name in real_field.args, f"{name}.{field_name}({arg_name})"
                assert str(arg.type) == str(real_field.args[arg_name].type), f"{name}.{field_name}({arg_name})"
            for arg_name, real_arg in getattr(real_field, "args", {}).items():
                if graphql.is_required_argument(real_arg):
                    assert arg_name in field.args, f"{name}.{field_name} lacks required {arg_name}"
        if isinstance(real, graphql.GraphQLInputObjectType):
            for field_name, real_field in real.fields.items():
                if graphql.is_required_input_field(real_field):
                    assert field_name in kind.fields, f"{name} lacks required {field_name}"


# -- a misbehaving Linear -------------------------------------------------------------

WRONG_BODIES = {
    "null": None,
    "a number": 42,
    "data null": {"data": None},
    "data empty": {"data": {}},
    "nodes a string": {"data": {"teams": {"nodes": "oops"}}},
    "a node without id": {"data": {"teams": {"nodes": [{"key": "SHOP", "name": "Shop"}]}}},
    "errors a number": {"errors": 5},
}


@pytest.mark.parametrize("body", WRONG_BODIES)
def test_an_http_200_answer_of_the_wrong_shape_is_one_line(fake, project, waits, body):
    fake.faults.append({"operation": "TeamByKeyOrName", "kind": "status", "status": 200,
                        "body": WRONG_BODIES[body]})
    result = report(project)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [error] = [line for line in result.stderr.splitlines() if "Linear" in line and "saved" not in line]
    assert error.startswith("persistlint: Linear: TeamByKeyOrName: ")
    assert saved_report(project).exists()
    assert fake.issues == []


@pytest.mark.parametrize("operation, data", [
    ("IssueCreate", {"issueCreate": {"success": True, "issue": 5}}),
    ("Labels", {"issueLabels": {"nodes": [{"id": "l-1", "name": None, "team": None}]}}),
    ("EpicProject", {"projects": {"nodes": [{"id": 7, "name": "Epic 0"}]}}),
])
def test_later_answers_are_checked_too(fake, project, waits, operation, data):
    fake.faults.append({"operation": operation, "kind": "status", "status": 200, "body": {"data": data}})
    result = report(project)
    assert result.exit_code == 2, result.output
    assert f"Linear: {operation}: the Linear API answered with data of an unexpected shape" in result.stderr


@pytest.mark.parametrize("url, allowed", [
    ("https://api.linear.app/graphql", True),
    ("http://127.0.0.1:8080/graphql", True),
    ("http://127.8.9.10/graphql", True),
    ("http://[::1]:9000/graphql", True),
    ("http://localhost/graphql", True),
    ("http://api.linear.app/graphql", False),
    ("http://10.0.0.5/graphql", False),
    ("http://localhost.example.com/graphql", False),
    ("ftp://127.0.0.1/graphql", False),
    ("api.linear.app/graphql", False),
])
def test_the_key_is_never_sent_in_clear_text_to_a_remote_host(url, allowed):
    if allowed:
        linear.check_endpoint(url)
    else:
        with pytest.raises(linear.LinearError, match="only sent over https://"):
            linear.check_endpoint(url)


def test_a_plain_http_remote_endpoint_is_refused_before_any_request(project, monkeypatch):
    monkeypatch.setenv("LINEAR_API_URL", "http://linear.example.com/graphql")
    monkeypatch.setenv("LINEAR_API_KEY", KEY)
    result = report(project)
    assert result.exit_code == 2
    assert "LINEAR_API_URL http://linear.example.com refused" in result.stderr
    assert KEY not in result.stderr
    assert saved_report(project).exists()


class _Dripping:
    """A server on 127.0.0.1 that accepts a request, then answers one byte
    every ``interval`` seconds (each read is quick; the whole answer never
    comes)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.requests = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            self.requests += 1
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
            try:
                connection.sendall(head)
                while not self.stopped.wait(self.interval):
                    connection.sendall(b" ")
            except OSError:
                pass

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


def test_a_dripping_server_cannot_hold_the_command(project, tmp_path):
    """The real command in a subprocess: each request past its deadline is
    abandoned, and the run gives up at its own deadline."""
    import os
    import subprocess
    import sys

    server = _Dripping(interval=0.3)
    environment = {**os.environ, "LINEAR_API_URL": f"http://127.0.0.1:{server.port}/graphql",
                   "LINEAR_API_KEY": KEY, linear.REQUEST_DEADLINE_ENV: "1", linear.RUN_DEADLINE_ENV: "4"}
    try:
        result = subprocess.run(
            [sys.executable, "-c", "from persistlint.cli import main; main()", "report", str(project),
             "--date", DATE, "--linear", "-o", str(tmp_path / "audit.md")],
            capture_output=True, text=True, env=environment, timeout=120, cwd=tmp_path)
    finally:
        server.close()
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("persistlint: Linear:")]
    assert "TeamByKeyOrName: no complete answer" in error and "run deadline of 4s" in error
    assert (tmp_path / "audit.md").exists()
    assert server.requests >= 2  # the first request timed out and was retried


@pytest.mark.parametrize("value", ["nan", "-1", "0", "soon", "inf"])
def test_a_bad_deadline_is_one_line(fake, project, monkeypatch, value):
    monkeypatch.setenv(linear.RUN_DEADLINE_ENV, value)
    result = report(project)
    assert result.exit_code == 2
    assert f"{linear.RUN_DEADLINE_ENV}: expected a positive number of seconds, got {value!r}" in result.stderr
    assert fake.requests == []
