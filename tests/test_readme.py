"""The README a newcomer reads (issue 21, item 12): short, the requirements stated as the project
declares them, a tour of the commands in the order a user meets them, and every link to the pages
the reference moved to resolving inside the repository."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _anchors(page: Path) -> set[str]:
    return {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", page.read_text(), re.M)}


def test_the_readme_is_short_and_tours_the_commands_in_order():
    assert len(README.splitlines()) < 300
    tour = README.split("\n## A tour\n", 1)[1].split("\n## ", 1)[0]
    headings = re.findall(r"^### .*`sourcing (\w+)`", tour, re.M)
    assert headings == ["solve", "init", "plan", "report", "sweep"]
    for section in tour.split("\n### ")[1:]:  # each stop shows a command with its output, run as a test
        block = section.split("```console\n", 1)[1].split("```", 1)[0]
        assert block.startswith("$ ") and len(block.strip().splitlines()) > 1, section.splitlines()[0]


def test_the_readme_states_the_python_version_and_how_ci_gets_the_browser():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11" and "Python >= 3.11" in README
    requirements = README.split("\n## Requirements\n", 1)[1].split("\n## ", 1)[0]
    ci = (ROOT / ".ci" / "run").read_text()
    for said, done in (("`/usr/bin/chromium`", "/usr/bin/chromium"), ("apt-get install chromium", "apt-get install"),
                       ("SOURCING_REQUIRE_BROWSER=1", "SOURCING_REQUIRE_BROWSER=1")):
        assert said in requirements and done in ci, said
    assert "Debian's `chromium`" in requirements and "root" in requirements


def test_every_link_of_the_readme_and_the_docs_stays_in_the_repository_and_resolves():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "inputs" / "README.md"]
    for page in pages:
        text = page.read_text()
        assert "../shared" not in text and "/shared/" not in text, page
        for link in re.findall(r"\]\(([^)\s]+)\)", text):
            assert not re.match(r"[a-z]+:", link), (page.name, link)  # nothing links outside the repository
            path, _, anchor = link.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target.exists() and ROOT in target.parents, (page.name, link)
            assert not anchor or anchor in _anchors(target), (page.name, link)
    more = README.split("\n## Read more\n", 1)[1].split("\n## ", 1)[0]
    for name in ("risk", "plan", "sweep", "report", "workbook", "inputs", "cli", "errors", "api", "model", "contract",
                 "layout"):
        assert f"](docs/{name}.md)" in more, name
