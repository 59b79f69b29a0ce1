"""Saving a form changes only the lines whose values changed.

The editor hands back the whole file as it would write it: its own key order, its own quoting,
and no comments. Written as it is, every save would rewrite the file, and the per-field comments
that help those who edit the files by hand would vanish. So the file on disk is patched instead:
both texts are parsed into YAML nodes (which know where each value stands in the text), compared
value by value, and only a changed value is replaced, in place; a new list item or field is
inserted after its neighbour, written as the house writes it ({zh: …, en: …} on one line); an
optional part (a block of fields, or a list) emptied in the form is taken out whole, with its
lines. Everything else — order, comments, blank lines, quoting — stays as it was, byte for byte.
A field the editor does not show (a free map such as an event's figures) is never removed.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

import yaml

from ...core.languages import LANGUAGES

STR, NULL, BOOL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_RESOLVER = yaml.resolver.Resolver()
_UNSAFE = re.compile(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|[\n\r\t]|: |\s#|\s$|:$")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


class Edits:
    def __init__(self, text: str):
        self.text = text
        self.changes: list[tuple[int, int, str]] = []

    def replace(self, start: int, end: int, new: str) -> None:
        self.changes.append((start, end, new))

    def applied(self) -> str:
        text = self.text
        for start, end, new in sorted(self.changes, key=lambda c: (c[0], c[1]), reverse=True):
            text = text[:start] + new + text[end:]
        return text

    # lines
    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """The index just after the newline of the line that holds *index*."""
        found = self.text.find("\n", index)
        return len(self.text) if found < 0 else found + 1

    def node_end(self, node: yaml.Node) -> int:
        """Just after the last line of *node*: a block's end mark may stand at the start of the next line."""
        end = node.end_mark.index
        while end > node.start_mark.index and self.text[end - 1] in " \n":
            end -= 1
        return self.line_end(max(end - 1, node.start_mark.index))


def patch(original: str, edited: str) -> str:
    """*original* with the values of *edited* (a YAML text of the same data), every other byte kept."""
    old, new = yaml.compose(original, Loader=yaml.SafeLoader), yaml.compose(edited, Loader=yaml.SafeLoader)
    if old is None or new is None or not isinstance(old, yaml.MappingNode):
        return edited if old is None else original
    edits = Edits(original)
    _diff(old, new, edits, flow=False)
    return edits.applied()


def empty(node: yaml.Node | None) -> bool:
    if node is None:
        return True
    if isinstance(node, yaml.ScalarNode):
        return node.tag == NULL or (node.tag == STR and node.value == "")
    if isinstance(node, yaml.MappingNode):
        return all(empty(v) for _, v in node.value)
    return len(node.value) == 0


def same(old: yaml.ScalarNode, new: yaml.ScalarNode) -> bool:
    if empty(old) and empty(new):
        return True
    if old.tag in NUMBERS and new.tag in NUMBERS:
        try:
            return Decimal(old.value.replace("_", "")) == Decimal(new.value.replace("_", ""))
        except InvalidOperation:
            pass
    return old.value == new.value and (old.tag == new.tag or STR in (old.tag, new.tag)
                                       and NULL not in (old.tag, new.tag) and BOOL not in (old.tag, new.tag))


def scalar(node: yaml.ScalarNode, flow: bool, quoted: bool = False) -> str:
    """A value as the house writes it: plain where YAML reads it back the same, else double-quoted."""
    if empty(node):
        return "null" if flow else ""
    text = node.value
    if node.tag != STR:
        return text
    plain_reads_as = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if (not quoted and plain_reads_as not in (NULL, BOOL) and not _UNSAFE.search(text)
            and not (flow and _FLOW_UNSAFE.search(text))):
        return text
    return json.dumps(text, ensure_ascii=False)


def block(node: yaml.Node, indent: int) -> str:
    """*node* written as a block at *indent*, as the house writes its files: a text in the report's
    languages on one line ({zh: …, en: …}), nested parts and list items as blocks."""
    pad = " " * indent
    if isinstance(node, yaml.MappingNode):
        lines = []
        for k, v in node.value:
            if isinstance(v, yaml.ScalarNode) or (isinstance(v, yaml.MappingNode) and all(
                    isinstance(x, yaml.ScalarNode) and k2.value in LANGUAGES for k2, x in v.value)):
                value = scalar(v, False) if isinstance(v, yaml.ScalarNode) else flow(v)
                lines.append(f"{pad}{k.value}:{' ' + value if value else ''}\n")
            elif empty(v):
                continue
            else:
                lines.append(f"{pad}{k.value}:\n{block(v, indent + 2)}")
        return "".join(lines)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for item in node.value:
            inner = block(item, indent + 2) if not isinstance(item, yaml.ScalarNode) else f"{pad}  {scalar(item, False)}\n"
            items.append(f"{pad}- {inner[indent + 2:]}")
        return "".join(items)
    return f"{pad}{scalar(node, False)}\n"


def flow(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        # every key kept, an empty one as null: a new item's blank name still says what it lacks
        return "{" + ", ".join(f"{k.value}: {flow(v)}" for k, v in node.value) + "}"
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(flow(v) for v in node.value) + "]"
    return scalar(node, flow=True)


def _diff(old: yaml.Node, new: yaml.Node, edits: Edits, flow: bool) -> None:
    if isinstance(old, yaml.ScalarNode) and isinstance(new, yaml.ScalarNode):
        if not same(old, new):
            edits.replace(old.start_mark.index, old.end_mark.index,
                          scalar(new, flow, quoted=old.style in ('"', "'") and new.tag == STR))
    elif isinstance(old, yaml.MappingNode) and isinstance(new, yaml.MappingNode):
        _mapping(old, new, edits, flow or old.flow_style)
    elif isinstance(old, yaml.SequenceNode) and isinstance(new, yaml.SequenceNode):
        _sequence(old, new, edits, flow or old.flow_style)
    else:
        _replace_value(old, new, edits, flow)


def _replace_value(old: yaml.Node, new: yaml.Node, edits: Edits, in_flow: bool) -> None:
    if in_flow or isinstance(new, yaml.ScalarNode):
        edits.replace(old.start_mark.index, old.end_mark.index, flow(new) if not isinstance(new, yaml.ScalarNode)
                      else scalar(new, in_flow))
        return
    # a value that becomes a block (an empty `closure:` filled in): on the lines below its key
    indent = old.start_mark.column if not isinstance(old, yaml.ScalarNode) else _key_indent(edits, old) + 2
    start = old.start_mark.index
    end = edits.node_end(old) if not isinstance(old, yaml.ScalarNode) else old.end_mark.index
    edits.replace(start, end, "\n" + block(new, indent).rstrip("\n"))


def _key_indent(edits: Edits, value: yaml.Node) -> int:
    line = edits.text[edits.line_start(value.start_mark.index):value.start_mark.index]
    return len(line) - len(line.lstrip(" -")) if line.lstrip().startswith("-") else len(line) - len(line.lstrip())


def _mapping(old: yaml.MappingNode, new: yaml.MappingNode, edits: Edits, in_flow: bool) -> None:
    olds = {k.value: (k, v) for k, v in old.value}
    if in_flow:
        structural = any(k.value not in olds and not empty(v) for k, v in new.value)
        if structural:
            edits.replace(old.start_mark.index, old.end_mark.index, flow(new))
            return
        for k, v in new.value:
            if k.value in olds:
                _diff(olds[k.value][1], v, edits, True)
        return
    previous = None   # the last key of *new* the file already has: a new key goes after it
    for k, v in new.value:
        if k.value in olds:
            key, value = olds[k.value]
            if (isinstance(value, (yaml.MappingNode, yaml.SequenceNode)) and not value.flow_style
                    and empty(v) and not empty(value)):
                # an optional part emptied in the form: out of the file, with its lines
                edits.replace(edits.line_start(key.start_mark.index), edits.node_end(value), "")
            else:
                _diff(value, v, edits, False)
            previous = (key, value)
        elif not empty(v):
            indent = old.value[0][0].start_mark.column if old.value else 0
            text = block(_single(k, v), indent)
            at = edits.node_end(previous[1]) if previous else edits.line_start(old.value[0][0].start_mark.index)
            edits.replace(at, at, text)


def _single(key: yaml.ScalarNode, value: yaml.Node) -> yaml.MappingNode:
    return yaml.MappingNode("tag:yaml.org,2002:map", [(key, value)])


def _sequence(old: yaml.SequenceNode, new: yaml.SequenceNode, edits: Edits, in_flow: bool) -> None:
    if in_flow:
        if len(old.value) != len(new.value):
            edits.replace(old.start_mark.index, old.end_mark.index, flow(new))
            return
        for o, n in zip(old.value, new.value):
            _diff(o, n, edits, True)
        return
    for o, n in zip(old.value, new.value):
        _diff(o, n, edits, False)
    for o in old.value[len(new.value):]:   # items taken out of the list
        edits.replace(edits.line_start(o.start_mark.index), edits.node_end(o), "")
    added = new.value[len(old.value):]
    if added and old.value:
        dash = old.value[0].start_mark.column - 2
        at = edits.node_end(old.value[-1])
        edits.replace(at, at, block(yaml.SequenceNode("tag:yaml.org,2002:seq", added), dash))
