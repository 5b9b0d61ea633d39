"""Fixtures of the cms tests: the site tree of index pages on the test database."""
import pytest

from tests import builders


@pytest.fixture
def site_tree(db):
    """{slug: index page} of the home's children (seminari, buone-pratiche, quadro-normativo ...)."""
    return builders.tree()


@pytest.fixture
def quiet_logs(caplog):
    caplog.set_level("WARNING")
