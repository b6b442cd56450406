"""What a user installs: every subpackage and data file is in the wheel's list."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sourcing").rglob("__init__.py")}
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages in pyproject.toml"
    for package, folder in config["package-dir"].items():
        assert (ROOT / folder).is_dir() and package in listed
    data = config["package-data"]
    for package, patterns in data.items():
        folder = ROOT / config["package-dir"].get(package, package.replace(".", "/"))
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"{package}: no file matches {pattern!r} in {folder}"
