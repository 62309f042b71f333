"""Rasa loads the project's classes by module path from config.yml, endpoints*.yml and
credentials.yml, and a trained model stores the NLU components' paths: every path named
there, and the old paths that files already deployed still name, must import."""
import pytest
import yaml
from rasa.shared.utils.common import class_from_module_path

from tests.conftest import ROOT


def project_paths() -> list:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    paths = [c["name"] for c in config["pipeline"] + config["policies"] if "." in c["name"]]
    for name in ("endpoints.yml", "endpoints.multi.yml"):
        endpoints = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
        paths += [section["type"] for section in endpoints.values() if section and "." in str(section.get("type", ""))]
    paths += list(yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")))
    return paths


def test_the_nlu_components_keep_the_paths_trained_models_store():
    assert {"bot.nlu.components.ChineseTextNormalizer", "bot.nlu.shared_spacy.SharedSpacyNLP",
            "bot.nlu.lean_diet.LeanDIETClassifier", "bot.nlu.components.ChineseDateExtractor"} <= set(project_paths())


@pytest.mark.parametrize("path", project_paths())
def test_every_class_path_in_the_config_files_imports(path):
    assert path.rsplit(".", 1)[1] == class_from_module_path(path).__name__


@pytest.mark.parametrize("old, new", [
    ("bot.tracker_store.FastSQLTrackerStore", "bot.server.tracker_store.FastSQLTrackerStore"),
    ("bot.lock_store.AtomicRedisLockStore", "bot.server.lock_store.AtomicRedisLockStore"),
    ("bot.web.channel.SocketIOInput", "bot.channels.socketio.SocketIOInput"),
    ("bot.channels.wechat.WeChatInput", "bot.channels.wechat.channel.WeChatInput"),
])
def test_old_class_paths_in_deployed_files_still_import_the_same_class(old, new):
    assert class_from_module_path(new) is class_from_module_path(old)
