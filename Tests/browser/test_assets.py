"""The shape of the dashboard assets (Sources/FoyerServer/Public/README.md), checked on
the files: no page folder imports another, common/ imports only itself, and every module
is type-checked JavaScript (`// @ts-check`). No browser needed.

Run:  python3 -m pytest Tests/browser/test_assets.py -q
"""
from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

ASSETS = ROOT / "Sources" / "FoyerServer" / "Public" / "assets"
IMPORT = re.compile(r"""(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)""")


def modules() -> list[Path]:
    return sorted(ASSETS.rglob("*.js"))


def test_page_folders_import_only_themselves_and_common() -> None:
    wrong = []
    for module in modules():
        folder = module.parent.name
        for match in IMPORT.finditer(module.read_text(encoding="utf-8")):
            target = match.group(1) or match.group(2)
            allowed = target.startswith("./") or (folder != "common" and target.startswith("../common/"))
            if not allowed:
                wrong.append(f"{module.relative_to(ASSETS)} imports {target}")
    assert modules(), "no modules found"
    assert not wrong, "\n".join(wrong)


def test_every_module_is_type_checked() -> None:
    unchecked = [str(m.relative_to(ASSETS)) for m in modules() if not m.read_text(encoding="utf-8").startswith("// @ts-check\n")]
    assert not unchecked, f"without // @ts-check on the first line: {unchecked}"


def test_every_page_links_the_shared_stylesheet() -> None:
    pages = sorted((ASSETS.parent).glob("*.html"))
    missing = [p.name for p in pages if '<link rel="stylesheet" href="/assets/common/foyer.css">' not in p.read_text(encoding="utf-8")]
    assert pages and not missing, f"pages without common/foyer.css: {missing}"
