"""The README is the door: a sandbox walk-through in a few numbered steps that names people who
are really in the demo, the stable commands listed once and true, and nothing outside the
repository."""

from __future__ import annotations

import argparse
import fnmatch
import re

from bot.__main__ import _parser
from bot.settings import PROJECT_ROOT
from services.demo import DEMO_CAST

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
HANDLERS = PROJECT_ROOT / "handlers"


def section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 3)
    return README[start : end if end != -1 else None]


def test_nothing_outside_the_repository() -> None:
    assert "../" not in README
    assert not re.search(r"(?<![\w.:/])/(work|home|tmp|usr)/", README)
    ignored = [
        line.strip().rstrip("/")
        for line in (PROJECT_ROOT / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    links = re.findall(r"\]\(([^)]+)\)", README)
    quoted = re.findall(r"`([^`\s<>|]+)`", README)
    paths = [
        p.split("#")[0].rstrip("/")
        for p in (*links, *quoted)
        # A path starts with a lower-case folder (not an ENV/VAR/PAIR, a URL or a /command).
        if re.match(r"^\.?[a-z][\w.-]*/", p) and not p.startswith(("http", "postgresql", "redis", "sqlite"))
    ]
    assert "docs/ARCHITECTURE.md" in paths
    for path in paths:
        generated = any(fnmatch.fnmatch(path, pattern) for pattern in ignored)
        assert generated or (PROJECT_ROOT / path).exists(), (
            f"README names {path}, which is not in the repository"
        )


def test_the_architecture_it_points_to_stays_inside_too() -> None:
    architecture = (PROJECT_ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "../" not in architecture


def test_the_sandbox_walk_through() -> None:
    walk = section("امتحان در جعبهٔ شن / Try it in the sandbox")
    steps = re.findall(r"^(\d+)\. \*\*", walk, flags=re.MULTILINE)
    assert 3 <= len(steps) <= 7 and steps == [str(n) for n in range(1, len(steps) + 1)], steps
    assert "bash scripts/run" in walk and "http://127.0.0.1:8080/" in walk
    # Who to play first: a resident, then people who answer them; all really in the demo cast.
    named = re.findall(r"«([^»]+)»", walk)
    cast = {person.name: person for person in DEMO_CAST}
    people = [name for name in named if name in cast]
    assert people and cast[people[0]].role.value == "resident", people
    assert any(cast[name].role.value == "manager" for name in people), people
    # What to try names commands that work.
    for command in re.findall(r"`/([a-z_]+)", walk):
        assert registered(command), command


def registered(command: str) -> bool:
    if command == "start":
        return True
    pattern = re.compile(rf'Command\([^)]*"{command}"')
    return any(pattern.search(path.read_text(encoding="utf-8")) for path in HANDLERS.rglob("*.py"))


def test_the_commands_are_listed_once_and_true() -> None:
    assert README.count("## فرمان‌ها / Commands") == 1
    assert README.count("bash scripts/run     #") == 1
    commands = section("فرمان‌ها / Commands")
    # Every CLI command is a row of the one table, once.
    parser = _parser()
    choices = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    rows = re.findall(r"^\| `([a-z-]+)", commands, flags=re.MULTILINE)
    listed = set(rows) | set(re.findall(r"\| `[^`]*` / `([a-z-]+)", commands))
    assert len(rows) == len(set(rows)), rows
    assert set(choices) <= listed, set(choices) - listed
    # Every chat command in the table is one the bot answers.
    table = commands[commands.index("| who | commands |") :]
    chat = set(re.findall(r"`/([a-z_]+)", table))
    assert {"start", "help", "request", "track", "inbox", "meeting", "resolutions", "crisis"} <= chat
    for command in chat:
        assert registered(command), command
    assert "python -m bot …" in commands
    assert README.count("| command | does |") == 1


def test_paths_in_the_readme_are_relative_links() -> None:
    for target in re.findall(r"\]\(([^)]+)\)", README):
        assert not target.startswith(("/", "..")), target
        if not target.startswith("http"):
            assert (PROJECT_ROOT / target).exists(), target
