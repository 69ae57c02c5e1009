"""The addon's translations: every translatable string of the code is in the ``.pot``, the
``.pot`` holds nothing the code lost, and French, German and Spanish translate every entry
with the same placeholders and markup.

The ``.pot`` is Odoo's own export (``odoo-bin --i18n-export=... --modules=sale_capacity_promise``
on a database with the addon installed), the ``.po`` files are merged from it with
``msgmerge``. The strings of the code are read without Odoo (``addon_i18n``): ``_()`` in
Python, field labels, help and selections, view and template texts and attributes, names of
actions, menus and groups, per series.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from addon_i18n import addon_strings, normal, placeholders, read_po

ADDONS = Path(__file__).resolve().parent.parent / "addon"
I18N = ADDONS / "common" / "i18n"
MODULE = "sale_capacity_promise"
SERIES = ("17.0", "18.0", "19.0")
LANGUAGES = ("fr", "de", "es")
# what Odoo exports of the models and fields it makes itself (labels of the magic fields,
# names of the models the addon inherits): in the .pot without a string in the code
ODOO_MADE = re.compile(
    r"^model:ir\.model,name:|"
    r"field_description:\S+__(id|display_name|create_uid|create_date|write_uid|write_date)$"
)


def _pot():
    return read_po(I18N / f"{MODULE}.pot")


def _loose(msgid):
    return normal(html.unescape(msgid))


@pytest.mark.parametrize("series", SERIES)
def test_every_translatable_string_is_in_the_pot(series):
    strings = addon_strings(ADDONS / series / MODULE)
    msgids = {_loose(msgid) for msgid in _pot()}
    missing = [f"{where}: {term!r}" for term, where in strings.exact.items()
               if term not in msgids]
    missing += [f"{where}: {text!r}" for text, where in strings.texts.items()
                if not any(text in msgid for msgid in msgids)]
    assert not missing, (
        "not in i18n/sale_capacity_promise.pot (export it again with Odoo's "
        "--i18n-export, then msgmerge the .po files):\n" + "\n".join(missing))


def test_the_pot_holds_no_string_the_code_lost():
    exact, texts = set(), set()
    for series in SERIES:
        strings = addon_strings(ADDONS / series / MODULE)
        exact |= set(strings.exact)
        texts |= set(strings.texts)
    lost = [
        msgid for msgid, entry in _pot().items()
        if _loose(msgid) not in exact
        and not any(text in _loose(msgid) for text in texts)
        and not all(ODOO_MADE.search(reference) for reference in entry.references)
    ]
    assert not lost, "in the .pot but no longer in the code:\n" + "\n".join(lost)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_with_its_placeholders(language):
    pot = _pot()
    translated = read_po(I18N / f"{language}.po")
    assert pot, "the .pot is empty"
    problems = []
    for msgid in pot:
        entry = translated.get(msgid)
        if entry is None or not entry.msgstr.strip():
            problems.append(f"not translated: {msgid!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy (Odoo ignores it): {msgid!r}")
        elif placeholders(entry.msgstr) != placeholders(msgid):
            problems.append(f"placeholders or markup differ: {msgid!r} -> {entry.msgstr!r}")
    problems += [f"not in the .pot: {msgid!r}" for msgid in translated if msgid not in pot]
    assert not problems, f"{language}.po:\n" + "\n".join(problems)
