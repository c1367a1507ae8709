"""Every kind the built-in packs define is documented in rules/README.md, and no doc links outside the repository."""

from __future__ import annotations

import re

from rules.packs import load_rules
from rules.settings import RulesSettings
from tests.paths import REPO


def test_every_builtin_kind_has_a_row_in_the_kinds_table():
    text = (REPO / "rules" / "README.md").read_text(encoding="utf-8")
    table = text.split("## The kinds", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", table, flags=re.MULTILINE))
    assert documented == set(load_rules(RulesSettings()).kinds_by_id.values())


def test_the_docs_name_no_file_missing_from_the_repository():
    for doc in ("README.md", "rules/README.md"):
        text = (REPO / doc).read_text(encoding="utf-8")
        assert "CATALYSTS.md" not in text, doc
        for target in re.findall(r"\]\(([^)#:]+)\)", text):
            assert (REPO / doc).parent.joinpath(target).exists(), f"{doc} links to {target}"
