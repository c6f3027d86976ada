"""The cleaning workers import the installed newsmon, whatever the working directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fakesite import FakeSite

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

CONSOLE_SCRIPT = Path(sys.executable).parent / "newsmon"


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="needs the installed console script")
def test_run_from_the_parent_folder_of_a_checkout_cleans_pages(
    site: FakeSite, tmp_path: Path
) -> None:
    # Before: the forkserver's sys.path began with "" (the working directory), where a folder
    # named newsmon (the checkout) shadowed the installed package as a namespace package:
    # every page was "extract_failed" and `run` exited 0.
    parent = tmp_path / "parent"
    parent.mkdir()
    (parent / "newsmon").symlink_to(ROOT, target_is_directory=True)
    config = site.write_config(tmp_path / "config", {"clean": {"workers": 1}})
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    command = [str(CONSOLE_SCRIPT), "--config", str(config), "--db", str(tmp_path / "n.db")]
    result = subprocess.run(
        [*command, "run", "--no-prefect", "--format", "json"],
        cwd=parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert "extract_failed" not in report["errors"], report
    assert report["new_versions"] >= 5
