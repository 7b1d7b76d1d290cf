"""The sdist and the wheel, built once per test run (see dists.py)."""

from __future__ import annotations

import pytest

from tests.packaging.dists import Dists, build


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    return build(tmp_path_factory.mktemp("dist"))
