"""Link every file of addon/common/ into each series' addon folder that has no file of
its own at that place: run after adding a file to common/ (tests/test_addon_static.py
says when one is missing). Links are relative, so a checkout works wherever it is."""

import os
from pathlib import Path

ADDON = Path(__file__).resolve().parent
SERIES = ("17.0", "18.0", "19.0")

for source in sorted((ADDON / "common").rglob("*")):
    if not source.is_file() or "__pycache__" in source.parts:
        continue
    for series in SERIES:
        link = ADDON / series / "sale_capacity_promise" / source.relative_to(ADDON / "common")
        if not link.exists() and not link.is_symlink():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(os.path.relpath(source, link.parent))
            print(f"linked {link.relative_to(ADDON)}")
