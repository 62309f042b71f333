"""The channels say a few sentences themselves; those come from actions/templates.py (the
one templates module) without loading the action server or the knowledge store into Rasa."""
import subprocess
import sys

from tests.conftest import ROOT

CHANNELS = ["bot.channels.rest", "bot.channels.socketio", "bot.channels.limits", "bot.channels.wechat",
            "bot.web.channel"]


def test_channels_import_only_the_templates_of_the_actions_package():
    probe = ("import sys\n" + "".join(f"import {name}\n" for name in CHANNELS) +
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('actions', 'rasa_sdk', 'knowledge')))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert 0 == done.returncode, done.stderr
    assert "['actions', 'actions.templates']" == done.stdout.strip().splitlines()[-1]


def test_the_templates_module_imports_only_the_standard_library():
    probe = ("import sys\nbefore = set(sys.modules)\nimport actions.templates\n"
             "print(sorted({m.split('.')[0] for m in set(sys.modules) - before "
             "if m.split('.')[0] not in sys.stdlib_module_names}))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert 0 == done.returncode, done.stderr
    assert "['actions']" == done.stdout.strip()
