#!/usr/bin/env python3
"""Fill a template of the kit: ``render.py TEMPLATE KEY=VALUE ... > OUTPUT``.

Each ``@KEY@`` of the template is replaced by its value. A key the template does not
use, or a placeholder left without a value, stops with one line naming it: a half-filled
nginx site must not reach /etc/nginx. Standard library only (runs before any venv exists).

A template line ending in ``# each:KEY`` is written once per comma-separated value of KEY
(``UPSTREAM=10.0.0.11:8000,10.0.0.12:8000``: one ``server`` line per web host).
"""
from __future__ import annotations

import re
import sys

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")
EACH = re.compile(r"^(?P<line>.*?)\s*# each:(?P<key>[A-Z][A-Z0-9_]*)\s*$")


def render(template: str, values: dict[str, str]) -> str:
    used = set(PLACEHOLDER.findall(template))
    missing = sorted(used - values.keys())
    unknown = sorted(values.keys() - used)
    if missing or unknown:
        raise SystemExit(f"render: missing values for {missing}, unknown keys {unknown}")
    lines = []
    for line in template.splitlines(keepends=True):
        each = EACH.match(line.rstrip("\n"))
        if each is None:
            lines.append(PLACEHOLDER.sub(lambda match: values[match.group(1)], line))
            continue
        for item in (part.strip() for part in values[each["key"]].split(",")):
            if item:
                row = {**values, each["key"]: item}
                lines.append(PLACEHOLDER.sub(lambda match: row[match.group(1)], each["line"]) + "\n")
    return "".join(lines)


def main(argv: list[str]) -> None:
    if len(argv) < 1:
        raise SystemExit(__doc__)
    with open(argv[0], encoding="utf-8") as handle:
        template = handle.read()
    values = dict(argument.split("=", 1) for argument in argv[1:])
    sys.stdout.write(render(template, values))


if __name__ == "__main__":
    main(sys.argv[1:])
