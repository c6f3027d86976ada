"""The Dockerfile cannot be built here (no engine): check what it relies on instead."""

import json
import re
import tomllib
from pathlib import Path

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
