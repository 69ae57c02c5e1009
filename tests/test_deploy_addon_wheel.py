"""The addon packaged the OCA way, one wheel per series: whool builds
``odoo-addon-sale_capacity_promise`` 17.0.x, 18.0.x and 19.0.x from
addon/<series>/sale_capacity_promise/pyproject.toml, so that ``pip install`` into that Odoo's
environment puts it under ``odoo/addons``. Built here from the repository (whool reads git for
the file list and the version; the links into addon/common become the files they point to)
and from a copy outside git (as from an sdist or an export)."""

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
NAME = "sale_capacity_promise"
PREFIX = f"odoo/addons/{NAME}/"
# what each series' wheel requires of Odoo and Python (whool's rules per series)
SERIES = {
    "17.0": (OdooSeries.v17_0, "odoo>=17.0a,<17.1dev", ">=3.10"),
    "18.0": (OdooSeries.v18_0, "odoo==18.0.*", ">=3.10"),
    "19.0": (OdooSeries.v19_0, "odoo==19.0.*", None),
}


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


def addon(series: str) -> Path:
    return ROOT / "addon" / series / NAME


def tracked_files(series: str) -> set[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=addon(series), capture_output=True,
                            text=True, check=True).stdout.split()
    return {name for name in listed if (addon(series) / name).is_file()}


def manifest(series: str) -> dict[str, Any]:
    text = (addon(series) / "__manifest__.py").read_text(encoding="utf-8")
    value = ast.literal_eval(text)
    assert isinstance(value, dict)
    return value


@pytest.fixture(scope="module", params=list(SERIES))
def series(request: pytest.FixtureRequest) -> str:
    return str(request.param)


_WHEELS: dict[str, Wheel] = {}


@pytest.fixture
def wheel(series: str, tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git repository (whool lists the addon's files with git)")
    if series not in _WHEELS:
        _WHEELS[series] = build(addon(series), tmp_path_factory.mktemp(f"wheel-{series}"))
    return _WHEELS[series]


def test_pyproject_is_the_oca_one(series: str) -> None:
    lines = (addon(series) / "pyproject.toml").read_text(encoding="utf-8").split("\n")
    assert [line for line in lines if line and not line.startswith("#")] == [
        "[build-system]", 'requires = ["whool"]', 'build-backend = "whool.buildapi"']


def test_name_version_and_python(series: str, wheel: Wheel) -> None:
    version = manifest(series)["version"]
    assert version.startswith(f"{series}.")
    assert wheel.metadata["Name"] == "odoo-addon-sale_capacity_promise"
    # the manifest's version, plus the number of commits to the series' folder since it
    # changed (.N, whool's strategy for 17.0 to 19.0)
    assert re.fullmatch(re.escape(version) + r"(\.\d+)?", wheel.metadata["Version"])
    assert wheel.path.name.startswith(f"odoo_addon_sale_capacity_promise-{series}.")
    assert wheel.path.name.endswith("-py3-none-any.whl")
    assert wheel.metadata["Requires-Python"] == SERIES[series][2]


def test_requires_its_odoo_and_the_addons_it_depends_on(series: str, wheel: Wheel) -> None:
    odoo_series, odoo_requirement, _python = SERIES[series]
    requires = wheel.metadata.get_all("Requires-Dist") or []
    assert odoo_requirement in requires
    # A dependency is either an addon distribution of its own or part of Odoo itself (the
    # odoo distribution above), as for sale_management, sale_stock, mrp and purchase_stock.
    core = get_core_addons(odoo_series)
    depends = manifest(series)["depends"]
    assert all(dependency in core for dependency in depends), depends
    assert requires == [odoo_requirement]


def test_metadata_comes_from_the_manifest(series: str, wheel: Wheel) -> None:
    assert wheel.metadata["Summary"] == manifest(series)["summary"]
    assert wheel.metadata["License"] == manifest(series)["license"]
    assert f"Framework :: Odoo :: {series}" in wheel.metadata.get_all("Classifier")
    assert "Sale Capacity Promise" in wheel.metadata.get_payload()  # README.rst


def test_contents_are_the_addons_tracked_files(series: str, wheel: Wheel) -> None:
    assert wheel.files == tracked_files(series) - {"pyproject.toml"}
    with zipfile.ZipFile(wheel.path) as archive:
        # a link into addon/common is packed as the file it points to
        packed = archive.read(PREFIX + "compat.py")
    assert packed == (ROOT / "addon" / "common" / "compat.py").read_bytes()
    assert all(name.startswith((PREFIX, "odoo_addon_sale_capacity_promise-"))
               for name in wheel.all_names)
    assert not any(name.endswith((".pyc", ".orig", ".rej")) for name in wheel.files)


def test_contents_hold_what_odoo_loads(series: str, wheel: Wheel) -> None:
    for required in ("__init__.py", "__manifest__.py", "README.rst", "readme/DESCRIPTION.md",
                     "readme/CONFIGURE.md", "readme/USAGE.md", "models/__init__.py",
                     "security/ir.model.access.csv"):
        assert required in wheel.files, required
    for data_file in manifest(series)["data"]:
        assert data_file in wheel.files, data_file
    python = {name for name in wheel.files if name.startswith("models/")}
    assert python == {name for name in tracked_files(series) if name.startswith("models/")}
    # OCA ships an addon's tests with it (they run with odoo --test-enable)
    assert "tests/__init__.py" in wheel.files


def test_builds_from_a_copy_outside_git(series: str, tmp_path: Path, wheel: Wheel) -> None:
    copy = tmp_path / NAME
    for name in tracked_files(series) | {"pyproject.toml"}:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(addon(series) / name, copy / name)
    inside_git = subprocess.run(["git", "rev-parse"], cwd=copy, capture_output=True,
                                check=False).returncode == 0
    exported = build(copy, tmp_path / "out")
    assert exported.metadata["Name"] == wheel.metadata["Name"]
    assert exported.files == wheel.files
    if not inside_git:
        assert exported.metadata["Version"] == manifest(series)["version"]
