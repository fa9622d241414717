"""The wheel holds every subpackage on disk and the rule files: nothing silently vanishes."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"app": "famille", "kernel": "famille.kernel", "ports": "famille.ports",
           "adapters": "famille.adapters", "rules": "famille.rules"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _packages_on_disk() -> set[str]:
    found = set()
    for folder, package in FOLDERS.items():
        for init in (ROOT / folder).rglob("*.py"):
            if "__pycache__" in init.parts:
                continue
            relative = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *relative.parts]))
    return found


def test_every_subpackage_on_disk_is_declared_in_pyproject() -> None:
    declared = set(_pyproject()["tool"]["setuptools"]["packages"])
    assert _packages_on_disk() - declared == set()


def test_every_declared_package_exists_with_an_init_file() -> None:
    config = _pyproject()["tool"]["setuptools"]
    folders = config["package-dir"]
    for package in config["packages"]:
        root = max((p for p in folders if package == p or package.startswith(p + ".")), key=len)
        inner = package[len(root):].strip(".")
        path = ROOT / folders[root] / Path(*inner.split(".")) if inner else ROOT / folders[root]
        assert (path / "__init__.py").is_file(), package


def test_nothing_but_famille_is_installed_at_the_top_level() -> None:
    config = _pyproject()["tool"]["setuptools"]
    assert {p.split(".")[0] for p in config["packages"]} == {"famille"}


@pytest.mark.slow
def test_the_wheel_ships_every_module_and_the_rule_files(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("famille-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, package in FOLDERS.items():
        for source in (ROOT / folder).rglob("*"):
            if source.is_file() and source.suffix in {".py", ".yaml", ".txt", ".mako", ".ini", ".html", ".css", ".js", ".svg"} \
                    and "__pycache__" not in source.parts:
                inside = "/".join([*package.split("."), *source.relative_to(ROOT / folder).parts])
                assert inside in names, f"{inside} manque dans la roue"
    assert not any(name.startswith(("kernel/", "ports/", "adapters/", "rules/", "tests/")) for name in names)
