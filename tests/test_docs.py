"""Docs the code checks: every CLI command and every settings key is in the README."""

import argparse
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from newsmon.cli import build_parser
from newsmon.core.exits import EXIT_CODES, ExitCode
from newsmon.core.settings import SECTIONS, FetchSettings, Source
from newsmon.present.docs import exit_codes_table, settings_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


def settings_keys() -> list[str]:
    return [f"{name}.{f.name}" for name, cls in SECTIONS.items() for f in dataclasses.fields(cls)]


@pytest.mark.parametrize("command", commands())
def test_every_command_is_documented(command):
    assert f"`newsmon {command}" in README


@pytest.mark.parametrize("key", settings_keys())
def test_every_setting_is_documented(key):
    assert f"`{key}`" in README


@pytest.mark.parametrize("key", [f.name for f in dataclasses.fields(Source)])
def test_every_source_key_is_documented(key):
    assert key in README.split("### sources.toml", 1)[1]


def test_quick_start_is_two_commands():
    quick = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in quick.strip().splitlines()] == [
        "make demo",
        "make test",
    ]


GENERATED = ["README.md", "docs/cli.md"]


@pytest.mark.parametrize("name", GENERATED)
def test_generated_reference_is_current(name):
    """README tables and the CLI reference match the code (regenerate: `make docs`)."""
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_changed_default_is_caught(monkeypatch):
    """The generated table follows the declaration, so the check above sees any change."""
    before = settings_table()
    assert before in README
    field = next(f for f in dataclasses.fields(FetchSettings) if f.name == "timeout_s")
    monkeypatch.setattr(field, "default", 45.0)
    after = settings_table()
    assert "| `fetch.timeout_s` | `45.0` |" in after and after not in README


def test_the_exit_status_table_is_the_codes_table(monkeypatch):
    """README's exit-status table is generated from newsmon.core.exits and checked above."""
    table = exit_codes_table()
    assert table in README.split("### Exit status", 1)[1]
    assert [int(row.split("|")[1]) for row in table.splitlines()[2:]] == [int(c) for c in ExitCode]
    monkeypatch.setitem(EXIT_CODES, ExitCode.PARTIAL, "done, more or less")
    assert exit_codes_table() not in README  # a changed meaning fails the cog check


def test_help_lists_every_exit_code():
    text = build_parser().format_help()
    section = text.split("exit status:", 1)[1]
    for code in ExitCode:
        assert f"\n  {int(code):>3}  " in section
