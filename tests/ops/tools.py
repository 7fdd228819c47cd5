"""Debian's ``prometheus`` package (``prometheus`` and ``promtool``): CI installs it
(.ci/run, as it installs Chromium); a developer without it sees these tests skipped
with the command to run, while in CI (``CI=true``) a missing binary fails them."""

import os
import shutil

import pytest

INSTALL = "apt-get install prometheus"


def binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is missing: {INSTALL} (Debian's package has prometheus and promtool)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found
