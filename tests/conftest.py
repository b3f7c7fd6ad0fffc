"""Fixtures shared by every test: the real eSpeak engine and a clip cache of the tests' own.
The helpers the tests import live in :mod:`tests.helpers`."""

from __future__ import annotations

import pytest

from broadcaster.dirs import CACHE_ENV
from broadcaster.engines import get_engine
from broadcaster.engines.espeak import EspeakEngine


@pytest.fixture(scope="session", autouse=True)
def own_cache_dir(tmp_path_factory):
    """Clips cached by the tests (and the commands they run) stay out of the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("clip-cache")))
        yield


@pytest.fixture(scope="session")
def engine() -> EspeakEngine:
    """The process's real eSpeak engine."""
    return get_engine()
