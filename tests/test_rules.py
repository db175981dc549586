"""Every fixture under testdata/rules, compared both ways with its inline
expectations (see tests/harness.py)."""

import pytest

from tests import harness

FIXTURES = harness.collect()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture(fixture):
    problems = harness.compare(fixture, harness.run(fixture))
    assert not problems, "\n".join(problems)


def test_a_fixture_gives_the_same_findings_after_another_project_was_analysed_in_the_process():
    """A process that analyses one project, then another (nested in the
    first), then the first again (a report over a monorepo) finds the same:
    the first project's modules are found again after the other's were active."""
    runtime = harness.RULE_FIXTURES / "runtime"
    single = next(f for f in FIXTURES if f.files == (runtime / "pr305_parsing.py",))
    other = next(f for f in FIXTURES if f.root == runtime / "pr301_app_state")
    first = next(f for f in FIXTURES if f.files == (runtime / "pr301_blocking_io_in_async.py",))
    for fixture in (first, other, single):
        problems = harness.compare(fixture, harness.run(fixture))
        assert not problems, "\n".join(problems)
