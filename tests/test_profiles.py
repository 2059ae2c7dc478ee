"""Hypothesis profiles dev, ci and debug, chosen by HYPOTHESIS_PROFILE."""

from __future__ import annotations

import pytest
from hypothesis import Verbosity, settings

from errcontract.run.profiles import load_profile


@pytest.fixture(autouse=True)
def restore_profile():
    yield
    load_profile()


@pytest.mark.parametrize(("name", "max_examples"), [("dev", 50), ("ci", 100), ("debug", 10)])
def test_profile_named_by_the_environment_is_loaded(monkeypatch, name, max_examples):
    monkeypatch.setenv("HYPOTHESIS_PROFILE", name)
    assert load_profile() == name
    assert settings.default.max_examples == max_examples


def test_debug_profile_is_verbose(monkeypatch):
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "debug")
    load_profile()
    assert settings.default.verbosity == Verbosity.verbose
