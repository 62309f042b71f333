"""`fertility-bot` (bot/cli.py): each subcommand reaches its module's main."""
import importlib.util
import re
import sqlite3
import subprocess
import sys

import pytest

from bot import cli
from tests.conftest import ROOT


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_every_subcommand_names_a_module_with_a_main(command):
    module_name, _ = cli.COMMANDS[command]
    spec = importlib.util.find_spec(module_name)
    assert spec is not None and spec.origin
    source = open(spec.origin, encoding="utf-8").read()
    assert re.search(r"^def main\(", source, re.MULTILINE), module_name


def test_the_entry_point_is_declared_in_pyproject():
    assert 'fertility-bot = "bot.cli:main"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_help_lists_every_subcommand_and_an_unknown_one_fails(capsys):
    assert 0 == cli.main(["help"])
    listed = capsys.readouterr().out
    assert all(f"  {name} " in listed for name in cli.COMMANDS)
    assert 2 == cli.main(["no-such-command"])


def test_a_subcommand_gets_the_rest_of_the_line(tmp_path):
    db = tmp_path / "knowledge.db"
    done = subprocess.run([sys.executable, "-m", "bot.cli", "knowledge", "--db", str(db), "build"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert 0 == done.returncode, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from facilities").fetchone()[0] > 0
