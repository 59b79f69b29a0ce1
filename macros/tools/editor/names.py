"""The year's data names, for the editor's "insert a figure" list: every figure, text and date a
chapter can quote, with the macro that quotes it as the guide teaches (its filter for the page's
language), so that staff pick ``finance.budget.total`` rather than remember it. Walked from the
data model (core/schema.py) and the year's files as they are: an item of a list is named by its id
(``finance.budget.items.personnel.amount``), as chapters quote it."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import BaseModel

from ...core import schema
from .config import _is_date, _quantity, label_and_hint

# the filter that writes each kind of figure for the page's language (core/filters.py)
FILTERS = {"count": "num", "amount": "num", "months": "num", "month": "month", "money": "money",
           "percent": "pct", "change": "change"}


def _walk(model: type[BaseModel], data: Any, place: str) -> Iterator[dict]:
    data = data if isinstance(data, dict) else {}
    for name, info in model.model_fields.items():
        dotted, label = f"{place}.{name}", label_and_hint(info.description, name)[0]
        inner = schema.model_inside(info.annotation)
        if inner is schema.Text:
            yield {"name": dotted, "label": label, "macro": f"{{{{ {dotted} | text }}}}"}
        elif inner is not None and schema.holds_list(info.annotation):
            for item in data.get(name) or []:
                if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
                    yield from _walk(inner, item, f"{dotted}.{item['id']}")
        elif inner is not None:
            yield from _walk(inner, data.get(name), dotted)
        elif (quantity := _quantity(info.annotation)) is not None:
            yield {"name": dotted, "label": label, "macro": f"{{{{ {dotted} | {FILTERS[quantity.name]} }}}}"}
        elif _is_date(info.annotation) and name != "updated":
            yield {"name": dotted, "label": label, "macro": f"{{{{ {dotted} | date }}}}"}
    for name, info in model.model_computed_fields.items():
        dotted = f"{place}.{name}"
        yield {"name": dotted, "label": label_and_hint(info.description, name)[0], "macro": f"{{{{ {dotted} | pct }}}}"}


def year_names(root: Path, year: int) -> list[dict]:
    """Every name a chapter of *year* can quote, topic by topic, in the files' order."""
    found: list[dict] = []
    for topic, model in schema.TOPICS.items():
        if topic in ("report", "chronicle"):
            continue   # the publishing state, and events the chronicle's own macro lists
        path = root / "data" / str(year) / f"{topic}.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            data = None
        found += list(_walk(model, data, topic))
    return found
