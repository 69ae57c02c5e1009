"""The addon's translations: every sentence the Python code shows goes through the ``.pot``, and
French, German and Spanish translate every entry of it with the same placeholders.

The ``.pot`` is Odoo's own export (``odoo-bin --i18n-export=... --modules=sale_capacity_promise``
on a database with the addon installed); this test does not need Odoo.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

COMMON = Path(__file__).resolve().parent.parent / "addon" / "common"
I18N = COMMON / "i18n"
LANGUAGES = ("fr", "de", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s")


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po or .pot file (no plural forms: the addon has none)."""
    entries: dict[str, str] = {}
    msgid: str | None = None
    current: list[str] = []
    field = ""

    def close() -> None:
        if field == "msgstr" and msgid is not None:
            entries[msgid] = "".join(current)

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            close()
            field, current = "msgid", [_unquote(line[6:])]
        elif line.startswith("msgstr "):
            msgid = "".join(current)
            field, current = "msgstr", [_unquote(line[7:])]
        elif line.startswith('"'):
            current.append(_unquote(line))
        elif not line.strip():
            close()
            field, msgid = "", None
    close()
    entries.pop("", None)  # the header
    return entries


def python_sentences() -> set[str]:
    """The literal first argument of every ``_(...)`` call of the addon's code (not tests)."""
    found = set()
    for path in COMMON.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def test_every_sentence_of_the_code_is_in_the_template():
    template = read_po(I18N / "sale_capacity_promise.pot")
    missing = sorted(python_sentences() - set(template))
    assert not missing, f"not in the .pot (export it again from Odoo): {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_with_its_placeholders(language):
    template = read_po(I18N / "sale_capacity_promise.pot")
    translations = read_po(I18N / f"{language}.po")
    untranslated = sorted(msgid for msgid in template if not translations.get(msgid))
    assert not untranslated, f"{language}.po does not translate: {untranslated}"
    for msgid in template:
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(
            PLACEHOLDER.findall(translations[msgid])), f"{language}.po, {msgid!r}"
    assert not set(translations) - set(template), f"{language}.po has entries the .pot lost"
