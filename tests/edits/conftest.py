"""Every edit test runs on both backends (the contract suite's store fixture)."""

from tests.contract.conftest import store

__all__ = ["store"]
