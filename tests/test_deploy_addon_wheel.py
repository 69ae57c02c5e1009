"""The addon packaged the OCA way: whool builds ``odoo-addon-sale_capacity_promise`` from
addon/sale_capacity_promise/pyproject.toml, so that ``pip install`` into Odoo's environment
puts it under ``odoo/addons``. Built here from the repository (whool reads git for the file
list and the version) and from a copy outside git (as from an sdist or an export)."""

from __future__ import annotations

import ast
import email.parser
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from manifestoo_core.core_addons import get_core_addons
from manifestoo_core.odoo_series import OdooSeries

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "addon" / "sale_capacity_promise"
PREFIX = f"odoo/addons/{ADDON.name}/"


@dataclass(frozen=True)
class Wheel:
    path: Path
    files: set[str]  # paths below odoo/addons/<addon>/
    metadata: Any  # email.message.Message of METADATA
    all_names: list[str]


def build(addon_dir: Path, out: Path) -> Wheel:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(out), str(addon_dir)],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        metadata_name = next(name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
    files = {name[len(PREFIX):] for name in names if name.startswith(PREFIX)}
    return Wheel(path, files, metadata, names)


def tracked_files() -> set[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=ADDON, capture_output=True, text=True,
                            check=True).stdout.split()
    return {name for name in listed if (ADDON / name).is_file()}


def manifest() -> dict[str, Any]:
    value = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git repository (whool lists the addon's files with git)")
    return build(ADDON, tmp_path_factory.mktemp("wheel"))


def test_pyproject_is_the_oca_one() -> None:
    lines = (ADDON / "pyproject.toml").read_text(encoding="utf-8").split("\n")
    assert [line for line in lines if line and not line.startswith("#")] == [
        "[build-system]", 'requires = ["whool"]', 'build-backend = "whool.buildapi"']


def test_name_version_and_python(wheel: Wheel) -> None:
    version = manifest()["version"]
    assert wheel.metadata["Name"] == "odoo-addon-sale_capacity_promise"
    # the manifest's version, plus the number of commits since it changed (.N, whool's
    # strategy for 17.0)
    assert re.fullmatch(re.escape(version) + r"(\.\d+)?", wheel.metadata["Version"])
    assert wheel.path.name.startswith("odoo_addon_sale_capacity_promise-17.0.")
    assert wheel.path.name.endswith("-py3-none-any.whl")
    assert wheel.metadata["Requires-Python"] == ">=3.10"


def test_requires_odoo_17_and_the_addons_it_depends_on(wheel: Wheel) -> None:
    requires = wheel.metadata.get_all("Requires-Dist") or []
    assert "odoo>=17.0a,<17.1dev" in requires
    # A dependency is either an addon distribution of its own or part of Odoo itself (the
    # odoo distribution above), as for sale_management, sale_stock, mrp and purchase_stock.
    core = get_core_addons(OdooSeries.v17_0)
    for dependency in manifest()["depends"]:
        own = f"odoo-addon-{dependency}>=17.0dev,<17.1dev"
        assert dependency in core or own in requires, dependency
    assert len(requires) == 1 + sum(1 for name in manifest()["depends"] if name not in core)


def test_metadata_comes_from_the_manifest(wheel: Wheel) -> None:
    assert wheel.metadata["Summary"] == manifest()["summary"]
    assert wheel.metadata["License"] == manifest()["license"]
    assert "Framework :: Odoo :: 17.0" in wheel.metadata.get_all("Classifier")
    assert "Sale Capacity Promise" in wheel.metadata.get_payload()  # README.rst


def test_contents_are_the_addons_tracked_files(wheel: Wheel) -> None:
    assert wheel.files == tracked_files() - {"pyproject.toml"}
    assert all(name.startswith((PREFIX, "odoo_addon_sale_capacity_promise-"))
               for name in wheel.all_names)
    assert not any(name.endswith((".pyc", ".orig", ".rej")) for name in wheel.files)


def test_contents_hold_what_odoo_loads(wheel: Wheel) -> None:
    for required in ("__init__.py", "__manifest__.py", "README.rst", "readme/DESCRIPTION.md",
                     "readme/CONFIGURE.md", "readme/USAGE.md", "models/__init__.py",
                     "security/ir.model.access.csv"):
        assert required in wheel.files, required
    for data_file in manifest()["data"]:
        assert data_file in wheel.files, data_file
    python = {name for name in wheel.files if name.startswith("models/")}
    assert python == {name for name in tracked_files() if name.startswith("models/")}
    # OCA ships an addon's tests with it (they run with odoo --test-enable)
    assert "tests/__init__.py" in wheel.files


def test_builds_from_a_copy_outside_git(tmp_path: Path, wheel: Wheel) -> None:
    copy = tmp_path / ADDON.name
    for name in tracked_files() | {"pyproject.toml"}:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ADDON / name, copy / name)
    inside_git = subprocess.run(["git", "rev-parse"], cwd=copy, capture_output=True,
                                check=False).returncode == 0
    exported = build(copy, tmp_path / "out")
    assert exported.metadata["Name"] == wheel.metadata["Name"]
    assert exported.files == wheel.files
    if not inside_git:
        assert exported.metadata["Version"] == manifest()["version"]
