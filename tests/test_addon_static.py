"""Static checks of the Odoo addon, runnable without Odoo.

The addon's behaviour is tested inside a real Odoo by its own tests
(``addon/common/tests``, run in each series); these checks catch what breaks an
install or an OCA review before that: malformed XML, a manifest that lists a
missing file or misses one, a model without access rules, syntax one series
refuses, a file of the shared source missing from a series, pylint-odoo's
mandatory checks.

Layout: ``addon/<series>/sale_capacity_promise`` is the addon for that series
(what goes on an addons path or into a wheel). Its files are links into
``addon/common`` (one source for what the series share) except where the
series differ: the manifest, the list views (``<tree>`` in 17, ``<list>`` from
18), the groups (privileges from 19) and the access to ``uom.category`` (gone
in 19). 18 and 19 link to an older series' file where theirs is the same.
"""

import ast
import csv
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addon"
COMMON = ADDONS / "common"
MODULE = "sale_capacity_promise"
SERIES = ("17.0", "18.0", "19.0")
REQUIRED_DEPENDS = {"sale_management", "sale_stock", "mrp", "purchase_stock"}
ALLOWED_LICENSES = {
    "AGPL-3",
    "GPL-2",
    "GPL-2 or any later version",
    "GPL-3",
    "GPL-3 or any later version",
    "LGPL-3",
}
ACCESS_HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]
# the files a series has of its own (not links into common/)
SERIES_FILES = {"__manifest__.py"}


def _addon(series):
    return ADDONS / series / MODULE


def _manifest(series):
    return ast.literal_eval((_addon(series) / "__manifest__.py").read_text())


def _files(series):
    return sorted(
        path for path in _addon(series).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def _xml_files(series):
    return [path for path in _files(series) if path.suffix == ".xml"]


def _defined_models():
    """Models created by the addon (``_name`` without ``_inherit`` of itself)."""
    models = set()
    for path in (COMMON / "models").glob("*.py"):
        if "models.AbstractModel" in path.read_text():
            continue  # no table: neither access rules nor record rules
        models |= set(re.findall(r'^\s+_name = "([a-z0-9_.]+)"', path.read_text(), re.M))
    return models


by_series = pytest.mark.parametrize("series", SERIES)


def test_every_shared_file_is_in_every_series():
    shared = {
        path.relative_to(COMMON) for path in COMMON.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    for series in SERIES:
        missing = [str(name) for name in shared if not (_addon(series) / name).exists()]
        assert not missing, f"{series} lacks {missing}: run python addon/link_common.py"


@by_series
def test_links_stay_in_the_repository_and_resolve(series):
    for path in _addon(series).rglob("*"):
        if path.is_symlink():
            target = os.readlink(path)
            assert not os.path.isabs(target), f"{path}: absolute link {target}"
            resolved = path.resolve()
            assert resolved.is_file(), f"{path}: broken link"
            assert ADDONS in resolved.parents, f"{path}: links out of addon/"
        elif path.is_file():
            assert path.name in SERIES_FILES or path.suffix in (".xml", ".csv"), (
                f"{path}: a file of its own in {series}; put what the series share in "
                "addon/common"
            )


@by_series
def test_addon_exists(series):
    assert (_addon(series) / "__init__.py").is_file()
    assert _xml_files(series), "the addon has no XML file"


@by_series
def test_xml_is_well_formed(series):
    for path in _xml_files(series):
        root = ET.parse(path).getroot()
        # the web client's templates are <templates>, every data file <odoo>
        expected = "templates" if "static" in path.parts else "odoo"
        assert root.tag == expected, f"{path.name}: root element is <{root.tag}>, not <{expected}>"


@by_series
def test_manifest_sanity(series):
    manifest = _manifest(series)
    # each series refuses a module whose version names another series
    version = re.escape(series)
    assert re.fullmatch(version + r"\.\d+\.\d+\.\d+", manifest["version"]), manifest["version"]
    assert manifest["license"] in ALLOWED_LICENSES
    assert manifest.get("installable", True)
    assert set(manifest["depends"]) >= REQUIRED_DEPENDS
    assert isinstance(manifest["author"], str) and manifest["author"]
    assert "description" not in manifest, "use readme/DESCRIPTION.md"


@by_series
@pytest.mark.parametrize("key", ["data", "demo"])
def test_manifest_files_exist(series, key):
    listed = _manifest(series).get(key, [])
    assert len(listed) == len(set(listed)), f"a file is listed twice in {key}"
    missing = [name for name in listed if not (_addon(series) / name).is_file()]
    assert not missing, f"{key} lists missing files: {missing}"


@by_series
def test_every_data_file_is_listed(series):
    manifest = _manifest(series)
    listed = set(manifest.get("data", [])) | set(manifest.get("demo", []))
    on_disk = {
        str(path.relative_to(_addon(series)))
        for path in _files(series)
        if path.suffix in (".xml", ".csv")
        and "tests" not in path.relative_to(_addon(series)).parts
        and "static" not in path.relative_to(_addon(series)).parts
    }
    assert on_disk - listed == set(), "data files not in the manifest"


@by_series
def test_access_rules_cover_every_model(series):
    rows = [ACCESS_HEADER]
    # Odoo takes the model from a csv file's name up to the first '-'
    for path in sorted((_addon(series) / "security").glob("ir.model.access*.csv")):
        with path.open(newline="") as handle:
            found = list(csv.reader(handle))
        assert found[0] == ACCESS_HEADER, path.name
        rows += found[1:]
    ids = [row[0] for row in rows[1:]]
    assert len(ids) == len(set(ids)), "duplicate ids in ir.model.access.csv"
    for row in rows[1:]:
        assert len(row) == len(ACCESS_HEADER), row
        assert all(flag in ("0", "1") for flag in row[4:]), row
    covered = {row[2] for row in rows[1:]}
    models = _defined_models()
    assert models, "no model found in models/"
    for model in models:
        assert f"model_{model.replace('.', '_')}" in covered, f"no access rule for {model}"


def test_multi_company_rules_cover_every_model():
    root = ET.parse(COMMON / "security" / "sale_capacity_promise_rules.xml").getroot()
    ruled = {
        field.get("ref")
        for record in root.iter("record")
        if record.get("model") == "ir.rule"
        for field in record.iter("field")
        if field.get("name") == "model_id"
    }
    for model in _defined_models():
        assert f"model_{model.replace('.', '_')}" in ruled, f"no company rule for {model}"


def _records(series, model):
    for path in _xml_files(series):
        for record in ET.parse(path).getroot().iter("record"):
            if record.get("model") == model:
                yield path, record


def _field(record, name):
    for field in record.findall("field"):
        if field.get("name") == name:
            return field
    return None


@by_series
def test_view_ids_follow_oca_naming(series):
    for path, view in _records(series, "ir.ui.view"):
        view_id = view.get("id")
        model = _field(view, "model").text
        name = _field(view, "name").text
        parent = _field(view, "inherit_id")
        if parent is not None:
            # an inherited view keeps its parent's id, and says so in its name
            assert view_id == parent.get("ref").split(".")[-1], (path.name, view_id)
            assert name.endswith(f".inherit.{MODULE}"), (path.name, name)
        else:
            arch = _field(view, "arch")[0]
            expected = f"{model.replace('.', '_')}_view_{arch.tag}"
            assert view_id == expected, (path.name, view_id, expected)


@by_series
def test_action_and_menu_ids_follow_oca_naming(series):
    for path, action in _records(series, "ir.actions.act_window"):
        model = _field(action, "res_model").text
        assert action.get("id") == f"{model.replace('.', '_')}_action", path.name
    for path in _xml_files(series):
        for menu in ET.parse(path).getroot().iter("menuitem"):
            if not menu.get("action"):
                # a folder of menus: the app's root
                assert menu.get("id").endswith("_menu_root"), (path.name, menu.get("id"))
                continue
            assert menu.get("id") == menu.get("action", "").replace("_action", "_menu"), (
                path.name,
                menu.get("id"),
            )


@by_series
def test_list_views_are_named_as_the_series_names_them(series):
    # 17 knows only <tree>, 18 and 19 only <list>, in views and in view modes
    wrong = "list" if series == "17.0" else "tree"
    for path in _xml_files(series):
        root = ET.parse(path).getroot()
        assert not list(root.iter(wrong)), f"{path.name}: <{wrong}> in {series}"
        for field in root.iter("field"):
            if field.get("name") == "view_mode":
                assert wrong not in field.text.split(","), f"{path.name}: {field.text}"


def test_search_view_groups_carry_no_attributes_19_refuses():
    for path in _xml_files("19.0"):
        for search in ET.parse(path).getroot().iter("search"):
            for group in search.iter("group"):
                assert not {"expand", "string"} & set(group.attrib), (path.name, group.attrib)


@pytest.mark.parametrize(
    ("series", "privilege"), [("17.0", False), ("18.0", False), ("19.0", True)]
)
def test_groups_as_the_series_defines_them(series, privilege):
    root = ET.parse(_addon(series) / "security" / "sale_capacity_promise_groups.xml").getroot()
    names = {
        field.get("name")
        for record in root.iter("record") if record.get("model") == "res.groups"
        for field in record.iter("field")
    }
    if privilege:
        assert {"privilege_id", "user_ids"} <= names and not {"category_id", "users"} & names
    else:
        assert {"category_id", "users"} <= names and "privilege_id" not in names


def test_uom_category_access_only_where_the_model_exists():
    for series in ("17.0", "18.0"):
        assert (_addon(series) / "security" / "ir.model.access-uom_category.csv").exists()
    assert not any("uom_category" in path.read_text() for path in _files("19.0")
                   if path.suffix == ".csv")


def test_no_commit():
    # SQL built by string formatting is pylint-odoo's sql-injection check, below
    for path in COMMON.rglob("*.py"):
        assert ".commit()" not in path.read_text(), f"{path.name} commits"


def test_readme_fragments():
    for fragment in ("DESCRIPTION.md", "USAGE.md", "CONFIGURE.md"):
        text = (COMMON / "readme" / fragment).read_text()
        assert len(text.split()) > 20, f"readme/{fragment} is (nearly) empty"


# Checks the 17.0 template enables that pylint-odoo >= 10 no longer has (they
# moved to OCA's odoo-pre-commit-hooks); OCA's 17.0 repositories pin
# pylint-odoo 9.0.4, which still knows the names. Unknown to a newer
# pylint-odoo, they are reported as unknown-option-value: nothing to fix here.
RETIRED_CHECK = re.compile(r"\[W0012\(unknown-option-value\).*expected a valid pylint message")


@by_series
def test_pylint_odoo_mandatory_checks(series):
    pytest.importorskip("pylint_odoo")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--rcfile=addon/.pylintrc-mandatory",
            f"--valid-odoo-versions={series}",
            "--output-format=text",
            f"addon/{series}/{MODULE}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = [
        line
        for line in result.stdout.splitlines()
        if re.match(r"^\S+:\d+: \[", line) and not RETIRED_CHECK.search(line)
    ]
    assert not messages, "\n".join(messages)
    assert "Traceback" not in result.stderr, result.stderr

