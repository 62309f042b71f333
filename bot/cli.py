"""`fertility-bot`: one command with a subcommand per tool (pyproject.toml's entry point).

    fertility-bot run                       # = python -m bot.ops.stack run (make run)
    fertility-bot knowledge build --db build/knowledge.db
    fertility-bot retention --days 90 --dry-run
    fertility-bot help                      # the list below

Each subcommand hands the rest of the command line to the module's own ``main`` (its
``--help`` lists the options); the ``python -m`` forms keep working.
"""
from __future__ import annotations

import importlib
import sys
from typing import Callable, Dict, List, Optional, Sequence, Tuple

# subcommand -> (module, what it does); each module has main(argv) -> int.
COMMANDS: Dict[str, Tuple[str, str]] = {
    "run": ("bot.ops.stack", "start the action server, Rasa and the web page (make run)"),
    "server": ("bot.server.main", "`rasa` with the project's patches: fertility-bot server run --model …"),
    "shell": ("bot.ops.shell", "staff shell; answers list the clause ids they used (make shell)"),
    "eval": ("bot.ops.eval_e2e", "e2e evaluation over REST (make eval)"),
    "report": ("bot.ops.report", "most frequent unanswered / disliked questions (make report)"),
    "retention": ("bot.ops.retention", "delete old conversations (make retention)"),
    "bench": ("bot.bench.bench", "measurements side by side (make bench)"),
    "profile": ("bot.bench.profile_turns", "where a turn's time goes, per question, in one process (make profile)"),
    "bench-ab": ("bot.bench.ab", "A/B of server settings under the same load (make bench-ab)"),
    "web": ("bot.web.serve", "serve the web chat page"),
    "knowledge": ("knowledge.__main__", "knowledge store: build, add/remove a document, suggest-facts, search, check"),
    "bench-search": ("knowledge.bench_search", "compare the search indexes (make bench-search)"),
    "nlu-lookups": ("bot.nlu.build_tools.lookups", "generate the NLU lookups and user words (make nlu)"),
    "nlu-segmenter": ("bot.nlu.build_tools.small_segmenter", "build the small pkuseg segmenter (make nlu)"),
    "nlu-spacy": ("bot.nlu.build_tools.spacy_pipeline", "build the spaCy zh pipeline (make nlu)"),
    "nlu-measure-segmenter": ("bot.nlu.build_tools.measure_segmenter", "full vs small segmenter"),
    "nlu-eval": ("bot.nlu.evaluate", "held-out NLU evaluation (make nlu-eval)"),
}


def usage() -> str:
    """The list of subcommands."""
    width = max(len(name) for name in COMMANDS)
    lines = [f"  {name:<{width}}  {doc}" for name, (_, doc) in COMMANDS.items()]
    return "usage: fertility-bot <command> [options]   (fertility-bot <command> --help)\n\n" + "\n".join(lines)


def entry(*, command: str) -> Callable[[List[str]], Optional[int]]:
    """The main function of a subcommand, called with the rest of the command line."""
    module_name, _ = COMMANDS[command]
    if command == "server":
        # Rasa's own command line reads sys.argv.
        def server(argv: List[str]) -> Optional[int]:
            sys.argv = ["rasa", *argv]
            importlib.import_module(module_name).main()
            return 0
        return server
    if command == "shell":
        return lambda argv: importlib.import_module(module_name).main()
    if command == "run":
        return lambda argv: importlib.import_module(module_name).main(["run", *argv])
    return importlib.import_module(module_name).main


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("help", "-h", "--help"):
        print(usage())
        return 0
    if args[0] not in COMMANDS:
        print(f"fertility-bot: unknown command {args[0]!r}\n\n{usage()}", file=sys.stderr)
        return 2
    return entry(command=args[0])(args[1:]) or 0


if __name__ == "__main__":
    raise SystemExit(main())
