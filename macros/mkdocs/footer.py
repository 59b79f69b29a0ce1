"""What every page says about the library in its footer, and the card a shared link shows.

The footer gives the library's address, telephone, email and opening hours (each when the data
gives it), the date the report was last updated (its year's last change; for a page every year
shares, the newest: core/build_date.py), a link to the accessibility statement and, where the
data gives one, the site's ICP record number (备案号), as a Chinese public body's site carries it. The share
card, one an edition (assets/card-<code>.png), is drawn from the library's name at build time, for Open
Graph (WeChat, other apps).
"""
from __future__ import annotations

from pathlib import Path

from ..core import fmt, render
from ..core.languages import LANGUAGES, prefix, text_in
from ..core.strings import t


def facts(config, site) -> dict:
    """Page locale (BCP 47 tag) -> the footer's texts in that language, data escaped as HTML;
    {} while the data has mistakes (*site* is None). ``updated_on`` says "last updated" for each page
    date (``page.update_date``, set by years.date_page), ``updated`` for a page without one (404)."""
    if site is None:
        return {}
    library = site.library
    dates = config.extra.get("report_dates")
    days = sorted({dates.day(year) for year in [None, *dates.years]}) if dates is not None else []
    out = {}
    for code, language in LANGUAGES.items():
        out[language.tag] = {
            "name": render.translated(library.name, code), "contact": render.contact_parts(library, code), "beian": library.beian,
            "updated": _updated(dates.day(), code) if dates is not None else None,
            "updated_on": {day.isoformat(): _updated(day, code) for day in days},
            "accessibility": prefix(code) + "accessibility/", "accessibility_label": t("footer.accessibility", code),
            "card": card_path(code), "card_alt": t("archive_title", code, library=render.translated(library.name, code)),   # what the card says
        }
    return out


def not_found() -> list[dict]:
    """What the page at a missing address (404.html) says, in every language, the original first:
    that there is no such page, and the way on to each edition's home page and data page. One page
    serves every edition, whatever language the address was in."""
    return [{"tag": language.tag, "title": t("not_found.title", code), "text": t("not_found.text", code),
             "links": [(prefix(code), t("not_found.home", code)), (prefix(code) + "data/", t("not_found.data", code))]}
            for code, language in LANGUAGES.items()]


def _updated(day, code: str) -> str:
    return t("footer.updated", code, date=fmt.date(day, code, with_year=True))


def card_path(code: str) -> str:
    """Where an edition's share card is, under the site root."""
    return f"assets/card-{code}.png"


def _face(family: str, tag: str, bold: bool = False):
    """The installed file (and index in a collection) of *family* for language *tag*, or None."""
    import shutil
    import subprocess
    if not shutil.which("fc-match"):
        return None
    pattern = f"{family}:lang={tag}" + (":weight=bold" if bold else "")
    found = subprocess.run(["fc-match", "-f", "%{family}|%{file}|%{index}", pattern],
                           capture_output=True, text=True).stdout.split("|")
    if len(found) != 3 or family not in found[0].split(",") or not Path(found[1]).is_file():
        return None
    return found[1], int(found[2] or 0)


def _fitted(draw, text: str, face, size: int, width: int):
    """*face* at *size*, or smaller until *text* fits *width* pixels."""
    from PIL import ImageFont
    while True:
        font = ImageFont.truetype(face[0], size, index=face[1])
        if size <= 24 or draw.textlength(text, font=font) <= width:
            return font
        size -= 4


def share_card(config, site) -> None:
    """One card an edition (card_path), 1200 × 630, in the theme's colour: the library's name and
    the archive's title in the edition's language and typeface (languages.yaml), the name in the
    original language under them, for a link shared in WeChat or any other app (Open Graph)."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        return
    if site is None:
        return
    original = next(iter(LANGUAGES.values()))
    for code, language in LANGUAGES.items():
        face = _face(language.typeface, language.tag, bold=True) or _face(original.typeface, original.tag, bold=True)
        small = _face(original.typeface, original.tag)
        if face is None or small is None:
            return  # no font: the build that needs it (the PDF) has said so already
        card = Image.new("RGB", (1200, 630), "#8c2b1f")
        draw = ImageDraw.Draw(card)
        name = text_in(site.library.name, code)
        title = t("archive_title", code, library="").strip()
        draw.text((80, 170), name, font=_fitted(draw, name, face, 88, 1040), fill="white")
        draw.text((80, 300), title, font=_fitted(draw, title, face, 64, 1040), fill="white")
        if code != original.code:
            other = text_in(site.library.name, original.code)
            draw.text((80, 450), other, font=_fitted(draw, other, small, 40, 1040), fill="#f3d9d4")
        target = Path(config.site_dir) / card_path(code)
        target.parent.mkdir(parents=True, exist_ok=True)
        card.save(target, "PNG", optimize=True)
