"""A non-editable install finds its lexicons: `newsmon facts` from another directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(600)
def test_a_non_editable_install_reads_its_packaged_lexicons(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Dependencies come from the running environment (no network); newsmon itself does not:
    # a path added by a .pth file is searched after the fresh venv's own site-packages, and
    # the editable install's finder hook in that environment is not run from there.
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # Build from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source = tmp_path / "source"
    for name in ("newsmon", "flows"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--wheel-dir", str(wheels), str(source)],
        check=True,
        cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = wheels.glob("newsmon-*.whl")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        cwd=tmp_path,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    line = json.dumps({"id": "d1", "text": "Deux personnes ont été tuées.", "lang": "fr"})
    run = subprocess.run(
        [str(python), "-m", "newsmon.cli", "facts", "-"],
        input=line + "\n",
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    where = subprocess.run(
        [str(python), "-c", "import newsmon; print(newsmon.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        check=True,
    ).stdout
    assert str(ROOT) not in where, "the checkout was imported, not the installed copy"
    record = json.loads(run.stdout.splitlines()[0])
    assert record["headline"]["killed"]["value"] == 2
