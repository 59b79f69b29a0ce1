"""MkDocs hook: what each language edition needs beyond mkdocs-static-i18n.

- ``<html lang>`` and hreflang use BCP 47 tags (zh-Hans, en), not the bare "zh".
- hreflang alternates are absolute (from site_url), with an x-default.
- Each language gets its own search index and sitemap: the plugin merges
  both languages into /search/search_index.json and /sitemap.xml; after the
  last language is built they are split into / (Chinese) and /en/ (English),
  and English pages look for their index under /en/.
Listed under ``hooks:`` in mkdocs.yml.
"""
from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # hooks load by path
from macros.core.strings import DEFAULT_LANG as DEFAULT, LANG_TAGS as TAGS, edition  # noqa: E402

_ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]*)" hreflang="([^"]*)">')


def _language(config) -> str:
    return edition(config.theme.get("language"))


def on_post_page(output: str, page, config) -> str:
    language = _language(config)
    output = output.replace(f'<html lang="{language}"', f'<html lang="{TAGS.get(language, language)}"', 1)
    page_url = urljoin(config.site_url or "/", page.url)

    # The rel value carries a trailing space on purpose: it is still the single token
    # "alternate" for crawlers (rel is a token list), but Material's script, which
    # fetches <href>/sitemap.xml for every link[rel=alternate] because it expects
    # language roots there, no longer matches these page-level links: three
    # requests, all 404, saved on every page view.
    def absolute(match):
        href, lang = urljoin(page_url, match.group(1)), match.group(2)
        link = f'<link rel="alternate " href="{href}" hreflang="{TAGS.get(lang, lang)}">'
        if lang == DEFAULT:  # readers whose language is neither get the Chinese original
            link += f'\n    <link rel="alternate " href="{href}" hreflang="x-default">'
        return link
    output = _ALTERNATE.sub(absolute, output)
    output = output.replace(f'hreflang="{DEFAULT}" class="md-select__link"',
                            f'hreflang="{TAGS[DEFAULT]}" class="md-select__link"')
    if language != DEFAULT:  # this edition's search index lives under /<language>/
        output = re.sub(r'(<script id="__config" type="application/json">\{[^<]*?"base": ")([^"]*)"',
                        lambda m: f'{m.group(1)}{m.group(2)}/{language}/"', output, count=1)
    return output


@event_priority(-200)  # after mkdocs-static-i18n has built every language and merged the index
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is None or getattr(i18n, "building", False):
        return  # an inner build of one language: the split waits for the end
    site = Path(config.site_dir)
    languages = [lang.locale for lang in i18n.config.languages if lang.build]
    split_search_index(site, languages)
    split_sitemap(site, languages)


def split_search_index(site: Path, languages: list[str]):
    merged_path = site / "search" / "search_index.json"
    if not merged_path.exists():
        return
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    others = [lang for lang in languages if lang != DEFAULT]
    for language in languages:
        prefix = "" if language == DEFAULT else f"{language}/"
        if language == DEFAULT:
            docs = [d for d in merged["docs"] if not d["location"].startswith(tuple(f"{o}/" for o in others))]
        else:
            docs = [dict(d, location=d["location"][len(prefix):]) for d in merged["docs"]
                    if d["location"].startswith(prefix)]
        index = {"config": dict(merged["config"], lang=[language]), "docs": docs}
        target = site / prefix / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _belongs(url: str, language: str, prefix: str, base: str, others: list[str]) -> bool:
    """Whether a sitemap <url> is a page of *language* (the staff guide is in no sitemap)."""
    loc = re.search(r"<loc>(.*?)</loc>", url).group(1)
    if "/guide/" in loc:
        return False
    if language == DEFAULT:
        return not any(loc.startswith(f"{base}{o}/") for o in others)
    return loc.startswith(prefix)


def split_sitemap(site: Path, languages: list[str]):
    path = site / "sitemap.xml"
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("<url>")
    urls = ["<url>" + u for u in rest.split("<url>")]
    urls[-1] = urls[-1].replace("</urlset>", "").rstrip() + "\n    "
    others = [lang for lang in languages if lang != DEFAULT]
    base = re.search(r"<loc>(.*?)</loc>", urls[0]).group(1) if urls else ""
    for language in languages:
        prefix = base if language == DEFAULT else f"{base}{language}/"

        chosen = [u.replace('hreflang="zh"', 'hreflang="zh-Hans"') for u in urls
                  if _belongs(u, language, prefix, base, others)]
        body = head + "".join(chosen).rstrip() + "\n</urlset>\n"
        target = site / ("" if language == DEFAULT else language) / "sitemap.xml"
        target.write_text(body, encoding="utf-8")
        with gzip.GzipFile(target.with_suffix(".xml.gz"), "wb", mtime=0) as gz:
            gz.write(body.encode("utf-8"))
