"""What the fault, security and load tests tried, printed at the end of the run.

Each test calls ``report(title, faults_injected=..., inputs_tried=..., items_lost=0)``.
The block is printed at once (visible with ``-s``) and repeated in a section of the
terminal summary, so that ``make test`` shows the figures even with ``-q``.
A conftest enables the summary with ``from tests.support.figures import pytest_terminal_summary``.
"""
from __future__ import annotations

_blocks: list[str] = []
_printed = False


def report(title: str, **figures) -> str:
    width = max(len(k) for k in figures) if figures else 0
    lines = [f"[{title}]"] + [f"  {k.replace('_', ' '):<{width}} : {v}" for k, v in figures.items()]
    block = "\n".join(lines)
    _blocks.append(block)
    print("\n" + block, flush=True)
    return block


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    global _printed
    if _printed or not _blocks:
        return
    _printed = True
    terminalreporter.section("reliability, security and load figures")
    for block in _blocks:
        terminalreporter.write_line(block)
