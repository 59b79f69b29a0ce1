"""What every page says about the library in its footer, and the card a shared link shows.

The footer gives the library's address, telephone, email and opening hours (each when the data
gives it), the date the report was last updated (its year's last change; for a page every year
shares, the newest: core/build_date.py), a link to the accessibility statement and, where the
data gives one, the site's ICP record number (备案号), as a Chinese public body's site carries it. The card (assets/card.png) is
drawn from the library's name at build time, for Open Graph (WeChat, other apps).
"""
from __future__ import annotations

from pathlib import Path

from ..core import fmt, render
from ..core.languages import LANGUAGES, prefix
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


def share_card(config, site) -> None:
    """assets/card.png: the library's name and the archive's title, 1200 × 630, in the theme's colour."""
    try:
        from PIL import Image, ImageDraw, ImageFont
        from ..core.pdf import PdfError, font_file
        font = font_file()
    except (ImportError, PdfError):
        return  # no CJK font: the build that needs it (the PDF) has said so already
    if site is None:
        return
    card = Image.new("RGB", (1200, 630), "#8c2b1f")
    draw = ImageDraw.Draw(card)
    name, english = site.library.name.zh, site.library.name.en or ""
    draw.text((80, 190), name, font=ImageFont.truetype(str(font), 88), fill="white")
    draw.text((80, 310), t("archive_title", "zh", library=""), font=ImageFont.truetype(str(font), 64), fill="white")
    draw.text((80, 440), english, font=ImageFont.truetype(str(font), 40), fill="#f3d9d4")
    target = Path(config.site_dir) / "assets" / "card.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    card.save(target, "PNG", optimize=True)
