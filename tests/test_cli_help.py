"""The CLI help is complete and the README's command-line reference agrees with it."""

from __future__ import annotations

import re

import pytest

from core.cli.parser import build_parser
from tests.support import REPO


def help_of(*words: str) -> str:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    sub = action.choices[words[0]]  # type: ignore[index]
    if len(words) > 1:
        inner = next(a for a in sub._actions if a.dest == "action")
        sub = inner.choices[words[1]]  # type: ignore[index]
    return str(sub.format_help())


def readme_commands() -> list[tuple[tuple[str, ...], set[str]]]:
    text = (REPO / "README.md").read_text()
    block = text.split("## Command line", 1)[1].split("## How secrets", 1)[0]
    joined = block.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        match = re.match(r"\s*cqlscope (datasource [a-z-]+|dashboard [a-z]+|[a-z]+)(.*)", line)
        if match:
            words = tuple(match.group(1).split())
            flags = set(re.findall(r"(--[a-z][a-z-]+)", match.group(2).split("#")[0]))
            found.append((words, flags))
    return found


@pytest.mark.parametrize("words, flags", readme_commands(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_readme_flags_exist_in_help(words: tuple[str, ...], flags: set[str]) -> None:
    text = help_of(*words)
    for flag in flags:
        assert flag in text, f"README mentions {flag} for 'cqlscope {' '.join(words)}', which its help lacks"


def test_every_subcommand_has_help_text() -> None:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    assert set(action.choices) == {"datasource", "check", "render", "query", "variables", "export", "import",  # type: ignore[arg-type]
                                   "dashboard"}
    top = parser.format_help()
    for name in action.choices:  # type: ignore[union-attr]
        assert name in top
    for name in ("list", "show", "add", "edit", "remove", "set-secret", "clear-secret"):
        assert help_of("datasource", name).startswith("usage: cqlscope datasource " + name)


def test_add_options_in_readme_match_the_declared_options() -> None:
    from core.config.options import OPTIONS

    readme = (REPO / "README.md").read_text()
    for spec in OPTIONS:
        assert spec.flag in readme, f"{spec.flag} is missing from the README"
