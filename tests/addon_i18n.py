"""The addon's translatable strings, read from its source without Odoo, and its .po files.

What Odoo's exporter would collect, close enough to tell when a string is missing from the
``.pot`` or a translation: ``_()``/``_lt()`` in Python, field labels (given, or made from the
field's name as Odoo does), help texts, selection labels and model descriptions, the
translatable attributes and texts of views and QWeb templates (Odoo's ``TRANSLATED_ATTRS``),
and the names and help of actions, menus, groups and activity types.
"""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

# the attributes Odoo translates in views and templates (odoo/tools/translate.py)
TRANSLATED_ATTRS = {
    "string", "add-label", "help", "sum", "avg", "confirm", "placeholder", "alt", "title",
    "aria-label", "aria-keyshortcuts", "aria-placeholder", "aria-roledescription",
    "aria-valuetext", "value_label", "data-tooltip", "data-editor-message", "label",
}
# the translatable fields of the records an addon's data defines
RECORD_FIELDS = {
    "ir.actions.act_window": {"name", "help"},
    "ir.actions.client": {"name"},
    "ir.actions.server": {"name"},
    "ir.actions.report": {"name"},
    "ir.module.category": {"name", "description"},
    "res.groups": {"name", "comment"},
    "res.groups.privilege": {"name", "description"},
    "mail.activity.type": {"name", "summary"},
    "ir.ui.menu": {"name"},
}
# inline elements: Odoo takes them, markup and attributes, into the term around them
INLINE = {
    "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "keygen", "mark", "math", "meter", "output", "progress", "q", "ruby", "s",
    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "text",
    "select", "option",
}
FIELD_TYPES = {
    "Boolean", "Char", "Text", "Html", "Integer", "Float", "Monetary", "Date", "Datetime",
    "Selection", "Many2one", "One2many", "Many2many", "Binary", "Image", "Json",
}
RELATIONAL = {"Many2one", "One2many", "Many2many"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdfr]|%[sdfr]|\{[a-z_]*\}")
TAG = re.compile(r"<[^>]+>")
HAS_LETTER = re.compile(r"[^\W\d_]")


def normal(text: str) -> str:
    """Whitespace as Odoo's term extraction leaves it: collapsed to single spaces."""
    return " ".join(text.split())


@dataclass
class Strings:
    """Exact terms (Python, fields, attributes, record names) and the texts of XML
    elements (compared loosely: markup between them makes Odoo's terms longer)."""

    exact: dict[str, str] = field(default_factory=dict)  # term -> where
    texts: dict[str, str] = field(default_factory=dict)

    def add(self, term: str | None, where: str) -> None:
        if term and HAS_LETTER.search(term):
            self.exact.setdefault(normal(term), where)

    def add_text(self, text: str | None, where: str) -> None:
        if text and HAS_LETTER.search(text):
            self.texts.setdefault(normal(text), where)


# -- Python ---------------------------------------------------------------------------------
def _constant(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _selection_labels(node: ast.AST | None, names: dict[str, ast.AST]) -> list[str]:
    if isinstance(node, ast.Name):
        node = names.get(node.id)
    if not isinstance(node, (ast.List, ast.Tuple)):
        return []
    return [label for item in node.elts if isinstance(item, ast.Tuple) and len(item.elts) == 2
            if (label := _constant(item.elts[1]))]


def _field_label(name: str) -> str:
    base = name[:-4] if name.endswith("_ids") else name[:-3] if name.endswith("_id") else name
    return base.replace("_", " ").title()


def python_strings(addon: Path, strings: Strings) -> None:
    """Terms of the addon's Python, tests excepted."""
    sources = [path for path in sorted(addon.rglob("*.py")) if "tests" not in path.parts]
    names: dict[str, ast.AST] = {}  # module-level constants, for selections defined apart
    trees = []
    for path in sources:
        tree = ast.parse(path.read_text(), str(path))
        trees.append((path, tree))
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name):
                names[node.targets[0].id] = node.value
    for path, tree in trees:
        where = str(path.relative_to(addon))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                _class_strings(node, names, strings, where)
            if not isinstance(node, ast.Call) or not node.args:
                continue
            function = node.func
            called = function.id if isinstance(function, ast.Name) else (
                function.attr if isinstance(function, ast.Attribute) else "")
            if called in ("_", "_lt"):
                strings.add(_constant(node.args[0]), where)


def _class_strings(cls: ast.ClassDef, names: dict[str, ast.AST], strings: Strings,
                   where: str) -> None:
    for statement in cls.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            continue
        name, value = statement.targets[0].id, statement.value
        if name == "_description":
            strings.add(_constant(value), where)
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                and isinstance(value.func.value, ast.Name) and value.func.value.id == "fields"
                and value.func.attr in FIELD_TYPES):
            continue
        kind = value.func.attr
        keywords = {keyword.arg: keyword.value for keyword in value.keywords if keyword.arg}
        label = _constant(keywords.get("string"))
        if label is None and value.args:
            position = 1 if kind in RELATIONAL else 0
            if kind == "Selection":
                position = 1
            if len(value.args) > position:
                label = _constant(value.args[position])
        if label is None and "related" not in keywords:
            label = _field_label(name)
        strings.add(label, where)
        strings.add(_constant(keywords.get("help")), where)
        if kind == "Selection":
            selection = keywords.get("selection", value.args[0] if value.args else None)
            for option in _selection_labels(selection, names):
                strings.add(option, where)


# -- XML -------------------------------------------------------------------------------------
def _markup_strings(node: ET.Element, strings: Strings, where: str) -> None:
    """Attributes and texts of a view's arch, a template or an HTML field, skipping what
    Odoo skips: scripts and styles, and ``<attribute>`` of attributes it does not
    translate (``context``, ``invisible``...)."""
    if node.tag in ("script", "style") or (
            node.tag == "attribute" and node.get("name") not in TRANSLATED_ATTRS):
        return
    for key, value in node.attrib.items():
        if key in TRANSLATED_ATTRS or key.removeprefix("t-attf-") in TRANSLATED_ATTRS:
            if "{{" in value:
                continue
            if node.tag in INLINE:  # the element with its attributes is one term
                strings.add_text(value, where)
            else:
                strings.add(value, where)
    strings.add_text(node.text, where)
    for child in node:
        if isinstance(child.tag, str):
            _markup_strings(child, strings, where)
        strings.add_text(child.tail, where)


def xml_strings(addon: Path, strings: Strings) -> None:
    """Terms of the addon's data files and templates."""
    for path in sorted(addon.rglob("*.xml")):
        where = str(path.relative_to(addon))
        root = ET.parse(path).getroot()
        if root.tag == "templates":  # the web client's (OWL) templates
            _markup_strings(root, strings, where)
            continue
        for element in root.iter():
            if element.tag == "template":
                _markup_strings(element, strings, where)
            elif element.tag == "menuitem":
                strings.add(element.get("name"), where)
            elif element.tag == "record":
                model = element.get("model", "")
                for value in element.findall("field"):
                    name = value.get("name")
                    if model == "ir.ui.view" and name == "arch":
                        for child in value:
                            _markup_strings(child, strings, where)
                    elif name in RECORD_FIELDS.get(model, ()):
                        if value.get("type") == "html" or len(value):
                            for child in value:
                                _markup_strings(child, strings, where)
                        else:
                            strings.add(value.text, where)


def addon_strings(addon: Path) -> Strings:
    """Every translatable string of one series' addon folder."""
    strings = Strings()
    python_strings(addon, strings)
    xml_strings(addon, strings)
    return strings


# -- .po files -------------------------------------------------------------------------------
@dataclass
class Entry:
    """One message of a .po or .pot file."""

    msgstr: str
    flags: set[str]
    references: list[str]


def read_po(path: Path) -> dict[str, Entry]:
    """msgid -> its entry, in a .po or .pot file (the header left out)."""
    entries: dict[str, Entry] = {}
    parts: dict[str, list[str]] = {}
    flags: set[str] = set()
    references: list[str] = []
    current: list[str] | None = None

    def flush() -> None:
        msgid = "".join(parts.get("msgid", []))
        if msgid:
            entries[msgid] = Entry("".join(parts.get("msgstr", [])), set(flags),
                                   list(references))

    for raw in [*path.read_text().splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
            parts, flags, references, current = {}, set(), [], None
        elif line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            references += line[2:].split()
        elif line.startswith(("msgid ", "msgstr ")):
            key, _, quoted = line.partition(" ")
            current = parts[key] = [ast.literal_eval(quoted)]
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
    return entries


def placeholders(text: str) -> list[str]:
    """The placeholders and markup tags a translation must keep."""
    return sorted(PLACEHOLDER.findall(text)) + sorted(
        re.sub(r"\s.*", ">", tag) for tag in TAG.findall(text))
