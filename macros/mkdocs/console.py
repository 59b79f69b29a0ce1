"""What a build and the preview print: the project's own words, and every real warning.

Staff read each line a build prints and take each as a problem. The plugins this project uses
say at every build what they are doing, in their own terms; those lines, and only those, are
held back here, each by the logger that writes it and the words it starts with, and only at
the level they are written at (debug or info): a warning or an error from the same logger is
shown as it is. MkDocs' own closing line is said in the staff's words.

- jieba (Material's search, for Chinese): "Building prefix dict …", "Loading model …", "Prefix
  dict has been built …", on its own logger and handler, at debug level;
- mkdocs-static-i18n: "Building 'en' documentation …", "Overriding 'en' config …", "Language
  '…' is not supported by lunr.js …" (the Chinese edition is indexed with jieba instead);
- MkDocs: "Cleaning site directory", "Building documentation to directory: …".

Material's end-of-life banner is printed as the theme is imported, before any of this runs:
the Makefile and the virtual environment turn it off (NO_MKDOCS_2_WARNING, see the Makefile).

The preview shows a mistake in the page itself (page.py); :func:`problems_in` finds that
message in each page, and the plugin's on_post_build (preview.PreviewState) prints each once per rebuild in the terminal too.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from html.parser import HTMLParser

ANSI = re.compile(r"\x1b\[[0-9;]*m")
I18N_CHATTER = ("Building '", "Overriding '", "Adding '", "Translated ")
I18N_LUNR = re.compile(r"Language '[^']+' is not supported by lunr\.js")
JIEBA_CHATTER = ("Building prefix dict", "Loading model", "Prefix dict has been built", "Dumping model to file cache")
MKDOCS_CHATTER = ("Cleaning site directory", "Building documentation to directory:")
BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")


class Chatter(logging.Filter):
    """Holds back the routine lines of one third-party logger (by their first words), nothing else."""

    def __init__(self, level: int, starts: tuple[str, ...] = (), pattern: re.Pattern | None = None,
                 prefix: str = ""):
        super().__init__()
        self.level, self.starts, self.pattern, self.prefix = level, starts, pattern, prefix

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > self.level:
            return True   # a warning or an error: always shown
        text = ANSI.sub("", record.getMessage())
        if self.prefix:
            if not text.startswith(self.prefix):
                return True
            text = text[len(self.prefix):]
        return not (text.startswith(self.starts) or (self.pattern is not None and self.pattern.search(text)))


class Built(logging.Filter):
    """MkDocs' last line, "Documentation built in 1.23 seconds", in the staff's words; said once,
    when the last language is built (mkdocs-static-i18n builds each further one inside the first,
    and MkDocs says it of each)."""

    def __init__(self, preview: bool, inside: Callable[[], bool]):
        super().__init__()
        self.preview, self.inside = preview, inside

    def filter(self, record: logging.LogRecord) -> bool:
        found = record.levelno == logging.INFO and BUILT.fullmatch(record.getMessage())
        if found and self.inside():
            return False   # one language of several: the whole site is not built yet
        if found:
            seconds = float(found.group(1))
            record.msg = (f"预览已更新（{seconds:.1f} 秒）/ The preview is up to date ({seconds:.1f} s)" if self.preview
                          else f"网站已生成（{seconds:.1f} 秒）/ The site is built ({seconds:.1f} s)")
            record.args = ()
        return True


# logger name -> the filter of its routine lines
QUIET = {
    "jieba": lambda: Chatter(logging.DEBUG, JIEBA_CHATTER),
    "mkdocs.plugins.mkdocs_static_i18n.plugin": lambda: Chatter(logging.INFO, I18N_CHATTER, I18N_LUNR,
                                                                  prefix="mkdocs_static_i18n: "),
    "mkdocs.plugins.mkdocs_static_i18n.reconfigure": lambda: Chatter(logging.INFO, I18N_CHATTER, I18N_LUNR,
                                                                       prefix="mkdocs_static_i18n: "),
    "mkdocs.commands.build": lambda: Chatter(logging.INFO, MKDOCS_CHATTER),
}


def quiet(command: str, inside: Callable[[], bool] = lambda: False) -> None:
    """Install the filters, for *command* (build, serve); *inside* says whether a build is still
    under way when MkDocs says one is done. A filter already there is replaced, never doubled."""
    wanted = {name: make() for name, make in QUIET.items()}
    wanted["mkdocs.commands.build"] = [wanted["mkdocs.commands.build"], Built(command == "serve", inside)]
    for name, filters in wanted.items():
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if type(f).__name__ in ("Chatter", "Built")]:
            logger.removeFilter(old)
        for new in filters if isinstance(filters, list) else [filters]:
            logger.addFilter(new)


# ------------------------------------------------------------ mistakes the preview shows

class _Panels(HTMLParser):
    """The text of each problem panel of a page (render.problem_panel: a <pre> in .report-problem)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._depth = 0      # open elements inside a panel
        self._pre: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += 1
            if tag == "pre":
                self._pre = []
        elif tag == "div" and "report-problem" in (dict(attrs).get("class") or "").split():
            self._depth = 1

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "pre" and self._pre is not None:
            self.found.append("".join(self._pre))
            self._pre = None
        self._depth -= 1

    def handle_data(self, data):
        if self._pre is not None:
            self._pre.append(data)


def problems_in(content: str) -> list[str]:
    """The messages a page's content shows in its problem panels (none for most pages)."""
    if "report-problem" not in content:
        return []
    parser = _Panels()
    parser.feed(content)
    parser.close()
    return [text.strip() for text in parser.found if text.strip()]


def tell(log, messages: list[str]) -> None:
    """Each mistake the preview's pages show, once, in the terminal as in the page."""
    for message in dict.fromkeys(messages):
        log.info("预览中的页面有错误，页面中显示同样的说明 / A page of the preview shows this mistake:\n" + message)
