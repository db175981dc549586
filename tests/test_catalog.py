"""The catalog meta-test: RULES.md, the registry, the rule modules, their
documentation and their fixtures stay in step, and every docstring's
Example fires while its Use instead does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from persistlint import registry
from tests import harness

RULES_MD = harness.SHARED / "RULES.md"
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Severity", "References")
FAMILY_DIRS = {"PQ": "query", "PT": "transaction", "PR": "runtime", "PX": "internal"}
# Emitted by the engine on the project's configuration, not on Python code:
# its Example is a pyproject table (tests/test_settings.py covers it).
EXAMPLES_NOT_PYTHON = {"PX002"}


def catalog() -> dict[str, dict[str, str | None]]:
    """``{code: {name, category}}`` from the ``### CODE name`` headings of
    RULES.md, the category from the enclosing ``## ... (category "X"`` heading."""
    entries: dict[str, dict[str, str | None]] = {}
    category = None
    for line in RULES_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            named = re.search(r'\(category "(?P<category>[^"]+)"', line)
            category = named["category"] if named else None
        rule = re.match(r"^### (?P<code>P[QTRX]\d{3}) (?P<name>[a-z0-9-]+)\s*$", line)
        if rule:
            entries[rule["code"]] = {"name": rule["name"], "category": category}
    return entries


CATALOG = catalog() if RULES_MD.is_file() else {}
RULES = registry.all_rules()
needs_catalog = pytest.mark.skipif(not RULES_MD.is_file(), reason="../shared/RULES.md not present")


@needs_catalog
def test_catalog_is_parsed():
    assert len(CATALOG) >= 20
    assert CATALOG["PR303"] == {"name": "sync-sleep-in-async", "category": "Runtime Performance"}


@needs_catalog
@pytest.mark.parametrize("code", sorted(CATALOG))
def test_catalog_code_is_registered(code):
    rule = registry.get(code)
    assert rule is not None, f"{code} {CATALOG[code]['name']} is in RULES.md but not registered"
    assert rule.name == CATALOG[code]["name"]
    if CATALOG[code]["category"] is not None:
        assert rule.category == CATALOG[code]["category"]
    assert rule.family == code[:2]


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_module_layout(code):
    """One module per rule, ``rules/<family>/<code>_<name>.py``."""
    rule = RULES[code]
    module = rule.check.__module__ if rule.check else None
    if module is None:  # declared by the engine: found by its code in its family package
        return
    expected = f"persistlint.rules.{FAMILY_DIRS[code[:2]]}.{code.lower()}_{rule.name.replace('-', '_')}"
    assert module == expected


@pytest.mark.parametrize("code", sorted(RULES))
def test_docstring_sections(code):
    doc = RULES[code].doc
    titles = re.findall(r"^## (.+)$", doc, re.MULTILINE)
    assert [t.strip() for t in titles if t.strip() in SECTIONS] == list(SECTIONS), titles
    for title in SECTIONS:
        assert registry.doc_section(doc, title), f"{code}: empty section {title!r}"
    assert registry.code_blocks(registry.doc_section(doc, "Example")), f"{code}: no ```python Example"
    assert registry.code_blocks(registry.doc_section(doc, "Use instead")), f"{code}: no ```python Use instead"
    assert re.search(r"https?://", registry.doc_section(doc, "References")), f"{code}: no reference URL"
    assert RULES[code].principle, f"{code}: no principle"


def fixture_files(code: str) -> list[Path]:
    family = harness.RULE_FIXTURES / FAMILY_DIRS[code[:2]]
    if not family.is_dir():
        return []
    files: list[Path] = []
    for entry in sorted(family.iterdir()):
        if not entry.name.startswith(code.lower()):
            continue
        if entry.is_file() and entry.suffix == ".py":
            files.append(entry)
        elif entry.is_dir():
            files.extend(sorted(entry.rglob("*.py")))
    return files


@pytest.mark.parametrize("code", sorted(c for c in RULES if not c.startswith("PX")))
def test_rule_has_fixture_with_positive_and_near_miss(code):
    files = fixture_files(code)
    assert files, f"no fixture testdata/rules/{FAMILY_DIRS[code[:2]]}/{code.lower()}_*"
    positives = negatives = 0
    for path in files:
        expected, ok = harness.expectations(path)
        positives += sum(1 for e in expected if e.code == code)
        negatives += sum(1 for _, c in ok if c == code)
    assert positives, f"{code}: no `# {code}[SEVERITY]: COL` marker in its fixtures"
    assert negatives, f"{code}: no `# ok: {code}` near miss in its fixtures"


def _blocks(code: str, title: str) -> list[str]:
    return registry.code_blocks(registry.doc_section(RULES[code].doc, title))


DOCUMENTED = sorted(c for c in RULES if c not in EXAMPLES_NOT_PYTHON)


@pytest.mark.parametrize("code", DOCUMENTED)
def test_example_fires(code, tmp_path):
    example = _blocks(code, "Example")[0]
    found = harness.analyse_snippet(tmp_path, example)
    assert code in {d.code for d in found}, f"{code} Example does not fire: {[d.message() for d in found]}"
    assert not any(d.code == "PX001" for d in found if code != "PX001"), [d.message() for d in found]


@pytest.mark.parametrize("code", DOCUMENTED)
def test_use_instead_is_silent(code, tmp_path):
    for index, block in enumerate(_blocks(code, "Use instead")):
        (tmp_path / str(index)).mkdir()
        found = harness.analyse_snippet(tmp_path / str(index), block)
        assert code not in {d.code for d in found}, \
            f"{code} Use instead fires: {[d.message() for d in found]}"
        assert "PX001" not in {d.code for d in found}, [d.message() for d in found]


# ---------------------------------------------------------------- the command

def test_rule_command_lists_every_rule(tmp_path):
    result = harness.persistlint("rule", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for code, rule in RULES.items():
        assert re.search(rf"^{code} +{re.escape(rule.name)} +{re.escape(str(rule.effort))} +\S",
                         result.stdout, re.MULTILINE), code
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_rule_docs_fit_100_columns_but_for_links(tmp_path):
    for code in ("PQ107", "PT201", "PR301"):
        result = harness.persistlint("rule", code, cwd=tmp_path)
        long_lines = [line for line in result.stdout.splitlines() if len(line) > 100]
        assert all("https://" in line and " " not in line.strip() for line in long_lines), long_lines


def test_rule_command_prints_one_rules_docs(tmp_path):
    result = harness.persistlint("rule", "pr303", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# PR303 sync-sleep-in-async")
    for title in SECTIONS:
        assert f"## {title}" in result.stdout


def test_rule_command_unknown_code(tmp_path):
    result = harness.persistlint("rule", "PZ999", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "PZ999" in line
