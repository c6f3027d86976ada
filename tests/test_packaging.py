"""The Dockerfile cannot be built here (no engine): check what it relies on instead."""

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from newsmon.cli import build_parser
from newsmon.core.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_dockerfile_copies_paths_that_exist():
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source


def test_dockerfile_runs_as_non_root_with_a_data_volume_and_serves_by_default():
    assert re.search(r"^USER (?!root)\w+", DOCKERFILE, re.M)
    assert "VOLUME" in DOCKERFILE
    entry = json.loads(re.search(r"^ENTRYPOINT (.+)$", DOCKERFILE, re.M).group(1))
    cmd = json.loads(re.search(r"^CMD (.+)$", DOCKERFILE, re.M).group(1))
    assert entry[0] == "newsmon" and cmd == ["serve"]
    args = build_parser().parse_args(entry[1:] + cmd)
    assert args.command == "serve"


def test_shipped_settings_keep_state_under_the_data_volume():
    settings = load_settings(ROOT / "config")
    assert settings.store.path.startswith("data/")
    assert settings.serve.prefect_home.startswith("data/")


def test_the_console_script_and_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["newsmon"] == "newsmon.cli:main"
    pins = dict(
        line.strip().split("==")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line
    )
    assert pins["prefect"] == "3.8.8"
    assert tuple(int(x) for x in pins["fastapi"].split(".")[:2]) < (0, 151)
    assert tuple(int(x) for x in pins["SQLAlchemy"].split(".")[:2]) < (2, 1)
    constraints = (ROOT / "constraints.txt").read_text()
    assert "://" not in constraints  # no download URLs in the pin file


@pytest.mark.timeout(600)
def test_pip_install_prints_no_deprecation_of_ours_and_ships_the_templates(tmp_path):
    """Build and install the project as pip does (offline); the report renders from the copy."""
    source = tmp_path / "source"
    for name in ("newsmon", "flows"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(wheels), str(source)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    output = built.stdout + built.stderr
    assert built.returncode == 0, output
    assert "deprecat" not in output.lower(), output
    (wheel,) = wheels.glob("newsmon-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "newsmon/present/templates/report.html" in names
    assert "newsmon/present/templates/report.css" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # Dependencies come from the running environment (no network), newsmon from the wheel.
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    assert "deprecat" not in (installed.stdout + installed.stderr).lower()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "empty.db").touch()
    report = subprocess.run(
        [str(python), "-m", "newsmon.cli", "--db", "empty.db", "report", "--out", "r.html"],
        capture_output=True, text=True, cwd=elsewhere,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert "No stories yet" in (elsewhere / "r.html").read_text()
