"""The docs a reader is pointed to exist: code citations and Markdown links resolve in the repo."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = [*sorted((ROOT / "matching").rglob("*.py")), *sorted((ROOT / "app_pages").glob("*.py"))]
PAGES = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]
CITATION = re.compile(r"docs/[\w-]+\.md")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_every_docs_page_the_code_cites_exists() -> None:
    cited = {match for path in CODE for match in CITATION.findall(path.read_text("utf-8"))}
    assert cited, "the code cites no docs/ page; the check would pass vacuously"
    assert sorted(c for c in cited if not (ROOT / c).is_file()) == []


def test_the_code_cites_the_projects_own_docs_not_shared_notes() -> None:
    outside = [str(p.relative_to(ROOT)) for p in CODE if "domain.md" in p.read_text("utf-8")]
    assert outside == [], "cite the docs/ page that states the fact instead of domain.md"


def test_relative_links_in_the_docs_resolve() -> None:
    broken = [
        f"{page.relative_to(ROOT)} -> {target}"
        for page in PAGES
        for target in LINK.findall(page.read_text("utf-8"))
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert broken == []
