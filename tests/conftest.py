import pytest

from persistlint.context import forget_projects


@pytest.fixture(autouse=True)
def _fresh_project_memo():
    """Each test sees project contexts built from the files as they are now."""
    forget_projects()
    yield
    forget_projects()
