"""File the audit report as one Linear issue, through gql.

* Team: ``--linear-team``, else the "Linear Configuration" table of
  ``docs/tasks/kanban_board.md`` (Team UUID if present, else Team ID or
  Team Key). A UUID is checked with a ``teams`` query by id; anything else is
  resolved by key (case-insensitive), then by name.
* Project: the team's project whose name starts with ``Epic 0``.
* Labels ``refactoring``, ``performance``, ``audit``: team or workspace labels
  reused by name (case-insensitive, the team's own first), missing ones
  created in the team.
* Priority from the highest severity (CRITICAL 1 urgent ... LOW 4).
* Idempotent: an issue of the team with the same title is updated instead
  of a second one created. A create (or label create) whose answer is lost
  (network error, 5xx) is not blindly repeated: the lookup runs again first.

Endpoint ``LINEAR_API_URL`` (default Linear's), key ``LINEAR_API_KEY``. Linear
takes a personal API key as the bare ``Authorization`` value and an OAuth
access token as ``Bearer <token>``: a key starting with ``lin_oauth_`` (the
prefix of Linear's OAuth tokens) is sent with ``Bearer``, a value already
starting with ``Bearer `` is sent as is, anything else bare. The key is never
printed, logged or written.

Only ``https://`` endpoints get the key, or plain ``http://`` to a loopback
address (``127.0.0.0/8``, ``::1``, ``localhost``, for a local proxy or test
server). Every answer's shape is checked before use: an answer that is not
what the operation asked for is a one-line error, never a traceback.

Deadlines: every request has a total deadline (not only a per-read
timeout, which a server sending one byte at a time never hits), and so does
the whole run, retries and waits included: ``PERSISTLINT_LINEAR_REQUEST_DEADLINE``
(default :data:`REQUEST_DEADLINE` seconds) and
``PERSISTLINT_LINEAR_RUN_DEADLINE`` (default :data:`RUN_DEADLINE`). A request
past its deadline counts as a network error (retried; a create looks before
it repeats); past the run's deadline the command gives up.

Retries: network errors, HTTP 5xx and rate limiting (HTTP 400 or 429 whose
GraphQL errors say RATELIMITED in ``extensions.code`` or ``extensions.type``)
are retried up to :data:`ATTEMPTS` times with exponential backoff; a rate
limit waits until ``X-RateLimit-Requests-Reset`` (epoch milliseconds), never
longer than :data:`MAX_DELAY`. Authentication errors, a missing team or
project, and GraphQL errors in an HTTP 200 answer fail at once.
"""

from __future__ import annotations

import ipaddress
import json
import math
import os
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from persistlint.context import files
from persistlint.diagnostic import Severity
from persistlint.shape import list_of, matches
from persistlint.report.model import Report

DEFAULT_URL = "https://api.linear.app/graphql"
BOARD = Path("docs/tasks/kanban_board.md")
MAX_BOARD_BYTES = 1_000_000
TITLE = "Persistence & Performance Audit: {date}"
PROJECT_PREFIX = "Epic 0"
LABELS = ("refactoring", "performance", "audit")
LABEL_COLOR = "#5E6AD2"
PRIORITY = {Severity.CRITICAL: 1, Severity.HIGH: 2, Severity.MEDIUM: 3, Severity.LOW: 4}
ATTEMPTS = 5
BASE_DELAY = 1.0  # seconds; doubled after each failed attempt
MAX_DELAY = 30.0
TIMEOUT = 30  # per socket read
REQUEST_DEADLINE = 60.0  # seconds for one request, answer included
RUN_DEADLINE = 300.0  # seconds for all requests, retries and waits of one run
REQUEST_DEADLINE_ENV = "PERSISTLINT_LINEAR_REQUEST_DEADLINE"
RUN_DEADLINE_ENV = "PERSISTLINT_LINEAR_RUN_DEADLINE"
RATE_LIMITED = "RATELIMITED"
AUTH_CODES = frozenset({"AUTHENTICATION_ERROR", "FORBIDDEN", "UNAUTHENTICATED"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

# Every document persistlint sends (tests validate them against Linear's schema).
DOCUMENTS: dict[str, str] = {
    "TeamById": """query TeamById($id: ID!) {
  teams(filter: {id: {eq: $id}}) { nodes { id key name } }
}""",
    "TeamByKeyOrName": """query TeamByKeyOrName($ref: String!) {
  teams(filter: {or: [{key: {eqIgnoreCase: $ref}}, {name: {eqIgnoreCase: $ref}}]}) { nodes { id key name } }
}""",
    "EpicProject": """query EpicProject($teamId: ID!, $prefix: String!) {
  projects(filter: {name: {startsWith: $prefix}, accessibleTeams: {some: {id: {eq: $teamId}}}}) {
    nodes { id name }
  }
}""",
    "Labels": """query Labels($filter: IssueLabelFilter!) {
  issueLabels(first: 250, filter: $filter) { nodes { id name team { id } } }
}""",
    "LabelCreate": """mutation LabelCreate($input: IssueLabelCreateInput!) {
  issueLabelCreate(input: $input) { success issueLabel { id name team { id } } }
}""",
    "IssueByTitle": """query IssueByTitle($teamId: ID!, $title: String!) {
  issues(filter: {team: {id: {eq: $teamId}}, title: {eq: $title}}) { nodes { id identifier url title } }
}""",
    "IssueCreate": """mutation IssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { id identifier url } }
}""",
    "IssueUpdate": """mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) {
  issueUpdate(id: $id, input: $input) { success issue { id identifier url } }
}""",
}


_TEAMS = {"teams": {"nodes": list_of({"id": str})}}
_ISSUE = (None, {"id": str, "identifier": (str, None), "url": (str, None)})
# What each document's ``data`` must look like before anything reads it.
ANSWER_SHAPES: dict[str, Any] = {
    "TeamById": _TEAMS,
    "TeamByKeyOrName": _TEAMS,
    "EpicProject": {"projects": {"nodes": list_of({"id": str, "name": str})}},
    "Labels": {"issueLabels": {"nodes": list_of({"id": str, "name": str, "team": (None, {"id": str})})}},
    "LabelCreate": {"issueLabelCreate": {"success": bool, "issueLabel": (None, {"id": str})}},
    "IssueByTitle": {"issues": {"nodes": list_of({"id": str, "identifier": (str, None), "url": (str, None)})}},
    "IssueCreate": {"issueCreate": {"success": bool, "issue": _ISSUE}},
    "IssueUpdate": {"issueUpdate": {"success": bool, "issue": _ISSUE}},
}


def pause(seconds: float) -> None:
    """How the client waits between attempts (tests replace it)."""
    time.sleep(seconds)


class LinearError(Exception):
    """Filing failed; the text is one line and never holds the key."""


class _Retryable(Exception):
    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


@attrs.frozen
class Outcome:
    action: str  # "created" or "updated"
    identifier: str
    url: str


# -- configuration ------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"^(|-+|n/?a|none|tbd|todo|[<\[{].*[>\]}])$", re.I)
_BOARD_KEYS = ("team uuid", "team id", "team key")


def board_team(root: Path, echo: Callable[[str], Any] | None = None) -> str | None:
    """The team named by the board's "Linear Configuration" table: its Team
    UUID, else Team ID, else Team Key. Both table shapes are read: one
    ``| Setting | Value |`` row per key, or the keys as column headers.
    The board is read like the context's files: a regular file inside the
    project, its first :data:`MAX_BOARD_BYTES` only (``echo`` is told of a cut)."""
    path = root / BOARD
    if not os.path.lexists(path) or files.unreadable_reason(path, root) is not None:
        return None
    try:
        text, capped = files.read_text(path, MAX_BOARD_BYTES)
    except (files.SourceError, UnicodeDecodeError):
        return None
    if capped and echo is not None:
        echo(f"persistlint: {BOARD} is larger than {MAX_BOARD_BYTES} bytes; only the first {MAX_BOARD_BYTES} read")
    values = _configuration_table(text)
    for key in _BOARD_KEYS:
        value = values.get(key)
        if value and not _PLACEHOLDER.match(value):
            return value
    return None


def _configuration_table(text: str) -> dict[str, str]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines)
                  if re.match(r"^#+\s*linear configuration\b", line.strip(), re.I)), None)
    if start is None:
        return {}
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    rows: list[list[str]] = []
    for line in lines[start + 1:]:
        heading = re.match(r"^(#+)\s", line)
        if heading and len(heading.group(1)) <= level:
            break
        if line.strip().startswith("|"):
            cells = [_clean(cell) for cell in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", cell) for cell in cells if cell):
                rows.append(cells)
    if not rows:
        return {}
    by_row = {row[0].lower(): row[1] for row in rows if len(row) >= 2}
    if any(key in by_row for key in _BOARD_KEYS) or len(rows) < 2:
        return by_row
    return dict(zip((cell.lower() for cell in rows[0]), rows[1]))  # keys as column headers


def _clean(cell: str) -> str:
    return cell.strip().strip("`*_").strip()


def authorization(key: str) -> str:
    if key.startswith("Bearer "):
        return key
    if key.startswith("lin_oauth_"):
        return f"Bearer {key}"
    return key


def check_endpoint(url: str) -> None:
    """Refuse to send the key in clear text: ``https://``, or ``http://`` to
    a loopback address only."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and _is_loopback(host):
        return
    shown = f"{parts.scheme}://{host}" if parts.scheme else repr(url[:40])
    raise LinearError(f"LINEAR_API_URL {shown} refused: the API key is only sent over https:// "
                      f"(or plain http:// to 127.0.0.1, ::1 or localhost)")


def _is_loopback(host: str) -> bool:
    if host.rstrip(".").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def deadline_from_environment(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise LinearError(f"{name}: expected a positive number of seconds, got {text!r}")
    return seconds


# -- transport ------------------------------------------------------------------------

class Client:
    """Runs the named :data:`DOCUMENTS` on Linear with bounded retries."""

    def __init__(self, url: str, api_key: str, *, sleep: Callable[[float], Any] | None = None,
                 attempts: int = ATTEMPTS, max_delay: float = MAX_DELAY,
                 clock: Callable[[], float] = time.time, request_deadline: float = REQUEST_DEADLINE,
                 run_deadline: float = RUN_DEADLINE) -> None:
        self.sleep = sleep or pause
        self.attempts = attempts
        self.max_delay = max_delay
        self.clock = clock
        self.request_deadline = request_deadline
        self.run_deadline = run_deadline
        self._run_ends = time.monotonic() + run_deadline
        self._url = url
        self._headers = {"Authorization": authorization(api_key)}
        self._status: int | None = None
        self._session = None
        self._new_transport()

    def _new_transport(self) -> None:
        from gql import Client as GqlClient
        from gql.transport.requests import RequestsHTTPTransport

        self._transport = RequestsHTTPTransport(url=self._url, headers=self._headers,
                                                timeout=min(TIMEOUT, self.request_deadline), retries=0)
        self._client = GqlClient(transport=self._transport, fetch_schema_from_transport=False)
        self._session = None

    def close(self) -> None:
        if self._session is not None:
            self._client.close_sync()
            self._session = None

    def _remaining(self) -> float:
        return self._run_ends - time.monotonic()

    def execute(self, name: str, variables: dict[str, Any],
                before_retry: Callable[[], dict | None] | None = None) -> dict:
        """The ``data`` of one operation. ``before_retry`` (for mutations)
        runs before each repeat; what it returns, if anything, is the result:
        the first attempt did land."""
        for attempt in range(1, self.attempts + 1):
            try:
                if attempt > 1 and before_retry is not None:
                    landed = before_retry()
                    if landed is not None:
                        return landed
                return self._within_deadline(name, variables)
            except _Retryable as exc:
                if attempt == self.attempts:
                    raise LinearError(f"{name}: {exc.reason}; gave up after {self.attempts} attempts") from None
                backoff = BASE_DELAY * 2 ** (attempt - 1)
                delay = max(0.0, min(exc.delay if exc.delay is not None else backoff, self.max_delay))
                if delay >= self._remaining():
                    raise LinearError(f"{name}: {exc.reason}; gave up at the run deadline of "
                                      f"{self.run_deadline:g}s") from None
                self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _within_deadline(self, name: str, variables: dict[str, Any]) -> dict:
        """``_send`` in a worker thread, waited for at most the request's
        deadline (and what is left of the run's): a server that answers one
        byte at a time cannot hold the command. A request past its deadline
        is abandoned with its connection."""
        remaining = self._remaining()
        if remaining <= 0:
            raise LinearError(f"{name}: not sent: the run deadline of {self.run_deadline:g}s has passed")
        limit = min(self.request_deadline, remaining)
        outcome: dict[str, Any] = {}

        def send() -> None:
            try:
                outcome["data"] = self._send(name, variables)
            except Exception as exc:  # noqa: BLE001 - handed to the waiting thread
                outcome["error"] = exc

        worker = threading.Thread(target=send, name=f"linear-{name}", daemon=True)
        worker.start()
        worker.join(limit)
        if worker.is_alive():
            self._new_transport()  # the stuck one stays with the abandoned thread
            if limit < self.request_deadline:
                raise LinearError(f"{name}: no complete answer before the run deadline of {self.run_deadline:g}s")
            raise _Retryable(f"no complete answer within {limit:g}s")
        if "data" in outcome:
            return outcome["data"]
        raise outcome.get("error") or LinearError(f"{name}: the request stopped without an answer")

    def _connect(self):
        if self._session is None:
            self._session = self._client.connect_sync()
            self._transport.session.hooks["response"].append(self._record_status)
        return self._session

    def _record_status(self, response, *args, **kwargs):
        self._status = response.status_code

    def _send(self, name: str, variables: dict[str, Any]) -> dict:
        from gql import GraphQLRequest
        from gql.transport.exceptions import (TransportConnectionFailed, TransportProtocolError,
                                              TransportQueryError, TransportServerError)

        self._status = None
        request = GraphQLRequest(DOCUMENTS[name], variable_values=variables, operation_name=name)
        try:
            data = self._connect().execute(request)
        except TransportConnectionFailed:
            self.close()
            raise _Retryable("network error (cannot reach the Linear API)") from None
        except TransportServerError as exc:
            status = exc.code or self._status
            self._classify(status, [])
            raise LinearError(f"{name}: HTTP {status}") from None
        except TransportQueryError as exc:
            errors = exc.errors if isinstance(exc.errors, list) else []
            self._classify(self._status, errors)
            raise LinearError(f"{name}: {_first_message(errors)}") from None
        except TransportProtocolError:
            if self._status and self._status >= 500:
                raise _Retryable(f"HTTP {self._status}") from None
            raise LinearError(f"{name}: not a GraphQL answer (HTTP {self._status})") from None
        except (TypeError, AttributeError, KeyError, ValueError, AssertionError):
            # gql trips over JSON that is not a GraphQL answer at all (null, 42, {"data": null})
            raise LinearError(f"{name}: not a GraphQL answer (HTTP {self._status})") from None
        if not matches(data, ANSWER_SHAPES[name]):
            raise LinearError(f"{name}: the Linear API answered with data of an unexpected shape")
        return data

    def _classify(self, status: int | None, errors: list) -> None:
        """Raise what a failed answer means; return if it is a plain failure."""
        codes = {str(value).upper() for error in errors if isinstance(error, dict)
                 for key, value in (error.get("extensions") or {}).items() if key in ("code", "type")}
        if RATE_LIMITED in codes or status == 429:
            raise _Retryable("rate limited", self._reset_delay())
        if status in (401, 403) or codes & AUTH_CODES:
            raise LinearError("authentication failed: check LINEAR_API_KEY")
        if status is not None and status >= 500:
            raise _Retryable(f"HTTP {status}")

    def _reset_delay(self) -> float | None:
        headers = self._transport.response_headers or {}
        reset = headers.get("X-RateLimit-Requests-Reset")
        try:
            return max(0.0, float(reset) / 1000.0 - self.clock())
        except (TypeError, ValueError):
            return None


def _first_message(errors: list | None) -> str:
    for error in errors or []:
        if isinstance(error, dict) and error.get("message"):
            return " ".join(str(error["message"]).split())
    return "the API answered with an error"


class DryRun:
    """Prints each operation and its variables; sends nothing. Answers as
    if nothing existed yet, so every operation a first run sends is shown."""

    def __init__(self, url: str, echo: Callable[[str], Any]) -> None:
        self.echo = echo
        echo(f"dry run: would POST to {url} with Authorization: <redacted>; nothing is sent")

    def close(self) -> None:
        pass

    def execute(self, name: str, variables: dict[str, Any],
                before_retry: Callable[[], dict | None] | None = None) -> dict:
        self.echo(f"--- {name}\n{DOCUMENTS[name]}\nvariables: "
                  f"{json.dumps(variables, indent=2, ensure_ascii=False)}")
        if name in ("TeamById", "TeamByKeyOrName"):
            ref = variables.get("id") or variables.get("ref")
            return {"teams": {"nodes": [{"id": f"<id of team {ref}>", "key": ref, "name": ref}]}}
        if name == "EpicProject":
            return {"projects": {"nodes": [{"id": "<id of the Epic 0 project>", "name": PROJECT_PREFIX}]}}
        if name == "LabelCreate":
            label = variables["input"]["name"]
            created = {"id": f"<id of label {label}>", "name": label, "team": None}
            return {"issueLabelCreate": {"success": True, "issueLabel": created}}
        if name == "Labels":
            self.echo("(labels not found are created, in the team)")
            return {"issueLabels": {"nodes": []}}
        if name == "IssueByTitle":
            self.echo("(an issue with this title is updated with IssueUpdate instead of created)")
            return {"issues": {"nodes": []}}
        return {name[0].lower() + name[1:]:  # issueCreate / issueUpdate
                {"success": True, "issue": {"id": "<new issue>", "identifier": "(dry run)", "url": ""}}}


# -- filing ---------------------------------------------------------------------------

def issue_title(date: str) -> str:
    return TITLE.format(date=date)


def file_report(report: Report, description: str, *, root: Path, team: str | None = None,
                dry_run: bool = False, echo: Callable[[str], Any] = print,
                client: Client | DryRun | None = None) -> Outcome | None:
    """File (or update) the report's issue; None when there is nothing to file."""
    if not report.findings:
        return None
    team_ref = team or board_team(root, echo)
    if not team_ref:
        raise LinearError(f"no Linear team: give --linear-team or fill the Linear Configuration "
                          f"table of {BOARD}")
    url = os.environ.get("LINEAR_API_URL") or DEFAULT_URL
    if client is None:
        if dry_run:
            client = DryRun(url, echo)
        else:
            key = os.environ.get("LINEAR_API_KEY", "").strip()
            if not key:
                raise LinearError("LINEAR_API_KEY is not set")
            check_endpoint(url)
            client = Client(url, key,
                            request_deadline=deadline_from_environment(REQUEST_DEADLINE_ENV, REQUEST_DEADLINE),
                            run_deadline=deadline_from_environment(RUN_DEADLINE_ENV, RUN_DEADLINE))
    try:
        return _file(client, report, description, team_ref)
    finally:
        client.close()


def _file(client, report: Report, description: str, team_ref: str) -> Outcome:
    team = _team(client, team_ref)
    project = _project(client, team)
    labels = _labels(client, team["id"])
    title = issue_title(report.date)
    fields = {"title": title, "description": description,
              "priority": PRIORITY[report.highest_severity],
              "labelIds": labels, "projectId": project["id"]}

    def existing() -> dict | None:
        nodes = client.execute("IssueByTitle", {"teamId": team["id"], "title": title})["issues"]["nodes"]
        return nodes[0] if nodes else None

    found = existing()
    if found is not None:
        data = client.execute("IssueUpdate", {"id": found["id"], "input": fields})
        return _outcome("updated", data["issueUpdate"])

    def landed() -> dict | None:
        issue = existing()
        return {"issueCreate": {"success": True, "issue": issue}} if issue else None

    data = client.execute("IssueCreate", {"input": {"teamId": team["id"], **fields}}, before_retry=landed)
    return _outcome("created", data["issueCreate"])


def _outcome(action: str, payload: dict) -> Outcome:
    issue = payload.get("issue") if payload else None
    if not payload or not payload.get("success") or not issue:
        raise LinearError(f"the issue was not {action}: Linear answered success=false")
    return Outcome(action, issue.get("identifier") or issue["id"], issue.get("url") or "")


def _team(client, ref: str) -> dict:
    if _UUID.match(ref):
        nodes = client.execute("TeamById", {"id": ref})["teams"]["nodes"]
    else:
        nodes = client.execute("TeamByKeyOrName", {"ref": ref})["teams"]["nodes"]
        by_key = [n for n in nodes if str(n.get("key", "")).lower() == ref.lower()]
        nodes = by_key or nodes
    if not nodes:
        raise LinearError(f"team {ref!r} not found (check --linear-team or {BOARD})")
    return nodes[0]


def _project(client, team: dict) -> dict:
    nodes = client.execute("EpicProject", {"teamId": team["id"], "prefix": PROJECT_PREFIX})["projects"]["nodes"]
    if not nodes:
        raise LinearError(f"no project whose name starts with {PROJECT_PREFIX!r} in team "
                          f"{team.get('key') or team['id']}")
    return sorted(nodes, key=lambda node: node["name"])[0]


def _labels(client, team_id: str) -> list[str]:
    """Ids of the audit labels, reusing team then workspace labels by name."""
    filter_ = {"and": [
        {"or": [{"name": {"eqIgnoreCase": name}} for name in LABELS]},
        {"or": [{"team": {"id": {"eq": team_id}}}, {"team": {"null": True}}]},
    ]}

    def lookup() -> dict[str, str]:
        found: dict[str, str] = {}
        nodes = client.execute("Labels", {"filter": filter_})["issueLabels"]["nodes"]
        # workspace labels first, so that a team label of the same name wins
        for node in sorted(nodes, key=lambda n: n.get("team") is not None):
            found[node["name"].lower()] = node["id"]
        return found

    known = lookup()
    ids = []
    for name in LABELS:
        if name not in known:
            def landed(name=name) -> dict | None:
                label_id = lookup().get(name)
                return ({"issueLabelCreate": {"success": True, "issueLabel": {"id": label_id}}}
                        if label_id else None)

            label = {"name": name, "teamId": team_id, "color": LABEL_COLOR}
            data = client.execute("LabelCreate", {"input": label}, before_retry=landed)
            payload = data["issueLabelCreate"]
            if not payload.get("success") or not payload.get("issueLabel"):
                raise LinearError(f"label {name!r} was not created")
            known[name] = payload["issueLabel"]["id"]
        ids.append(known[name])
    return ids
