#!/usr/bin/env python3
"""Fill a template of the kit: ``render.py TEMPLATE KEY=VALUE ... > OUTPUT``.

Each ``@KEY@`` of the template is replaced by its value. A key the template does not
use, or a placeholder left without a value, stops with one line naming it: a half-filled
nginx site must not reach /etc/nginx. Standard library only (runs before any venv exists).
"""
from __future__ import annotations

import re
import sys

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


def render(template: str, values: dict[str, str]) -> str:
    used = set(PLACEHOLDER.findall(template))
    missing = sorted(used - values.keys())
    unknown = sorted(values.keys() - used)
    if missing or unknown:
        raise SystemExit(f"render: missing values for {missing}, unknown keys {unknown}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def main(argv: list[str]) -> None:
    if len(argv) < 1:
        raise SystemExit(__doc__)
    with open(argv[0], encoding="utf-8") as handle:
        template = handle.read()
    values = dict(argument.split("=", 1) for argument in argv[1:])
    sys.stdout.write(render(template, values))


if __name__ == "__main__":
    main(sys.argv[1:])
