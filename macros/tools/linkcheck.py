"""Every internal link and #anchor of a built site resolves, in every language and year.

Kept in the project rather than taken from linkchecker or an HTML-proofing plugin: those
check a running server or every page's external links, while publishing needs a fast,
offline check of one built folder with no network (60 lines, on the standard library).
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http:", "https:", "mailto:", "tel:", "data:", "javascript:", "//")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            value = attrs.get(key)
            if value is not None and not (tag == "link" and "alternate" in (attrs.get("rel") or "")):
                self.links.append(value)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def broken_links(site: Path) -> list[str]:
    """'page: link (why)' for every internal link that leads nowhere."""
    site = site.resolve()
    pages = {p: _parse(p) for p in site.rglob("*.html")}
    broken = []
    for path, page in sorted(pages.items()):
        for link in page.links:
            if not link or link.startswith(EXTERNAL):
                continue
            parts = urlsplit(link)
            if parts.scheme:
                continue
            target = path if not parts.path else (
                site / unquote(parts.path).lstrip("/") if parts.path.startswith("/")
                else (path.parent / unquote(parts.path)).resolve())
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site).as_posix()}: {link}"
            if site not in target.parents and target != site:
                broken.append(f"{where} (outside the site)")
            elif not target.exists():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages.get(target) or _parse(target)
                if unquote(parts.fragment) not in ids.ids:
                    broken.append(f"{where} (no #{parts.fragment} there)")
    return broken


def main(args: list[str]) -> int:
    import sys
    site = Path(args[0]) if args else Path("site")
    if not (site / "index.html").is_file():
        print(f"✗ {site}：这里没有构建好的网站（先运行 make build）/ no built site here (run make build first)",
              file=sys.stderr)
        return 1
    broken = broken_links(site)
    for item in broken:
        print(f"✗ {item}", file=sys.stderr)
    print(f"{'✓' if not broken else '✗'} {len(broken)} 个失效链接 / broken link(s) in {site}")
    return 1 if broken else 0
