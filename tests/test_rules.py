"""Every fixture under testdata/rules, compared both ways with its inline
expectations (see tests/harness.py)."""

import pytest

from tests import harness

FIXTURES = harness.collect()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture(fixture):
    problems = harness.compare(fixture, harness.run(fixture))
    assert not problems, "\n".join(problems)
