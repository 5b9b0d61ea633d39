"""The deployment kit's files: every variable the code reads is in the environment template, templates render.

A variable read by ``portal/`` and the apps but missing from ``deploy/cdp.env.example`` is a
setting an operator cannot know about (nine were undocumented before the kit).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = re.compile(r"\b(?:env_str|env_bool|env_int|env_list|urls_from_env|database_from_env|email_from_env|replicas_from_env)\(\s*\"([A-Z][A-Z0-9_]*)\"")
ENVIRON = re.compile(r"os\.environ(?:\.get|\.setdefault)?[\(\[]\s*\"([A-Z][A-Z0-9_]*)\"")
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}


def variables_read() -> dict[str, str]:
    found = {}
    for package in ("portal", "cms", "search", "newsletter"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for name in READERS.findall(text) + ENVIRON.findall(text):
                found.setdefault(name, str(path.relative_to(ROOT)))
    # an app's own settings, each read from the variable of its name (portal.config.env_settings)
    from newsletter.conf import DEFAULTS

    for name in DEFAULTS:
        found.setdefault(name, "newsletter/conf.py")
    return {name: where for name, where in found.items() if name not in NOT_SETTINGS}


def documented() -> set[str]:
    text = (ROOT / "deploy" / "cdp.env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_every_variable_the_code_reads_is_in_the_environment_template():
    read = variables_read()
    missing = {name: where for name, where in read.items() if name not in documented()}
    print(f"{len(read)} variables read, {len(documented())} in deploy/cdp.env.example")
    assert len(read) > 30, "the scan finds the settings"
    assert not missing, f"undocumented in deploy/cdp.env.example: {missing}"


def test_every_variable_of_the_template_has_a_comment_and_is_read():
    lines = (ROOT / "deploy" / "cdp.env.example").read_text(encoding="utf-8").splitlines()
    stale = documented() - set(variables_read()) - {"ADMIN_PASSWORD", "ADMIN_EMAIL"}
    uncommented = [line for number, line in enumerate(lines)
                   if re.match(r"^#?[A-Z][A-Z0-9_]*=", line) and not lines[number - 1].startswith("#")
                   and not re.match(r"^#?[A-Z][A-Z0-9_]*=", lines[number - 1])]
    assert not stale, f"in the template but read by nothing: {stale}"
    assert not uncommented, uncommented


def test_render_refuses_a_half_filled_template(tmp_path):
    template = ROOT / "deploy" / "nginx" / "cdp.conf.template"
    result = subprocess.run([sys.executable, str(ROOT / "deploy" / "render.py"), str(template), "SERVER_NAME=x.it"],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "missing values for" in result.stderr and "UPSTREAM" in result.stderr


def test_render_writes_one_upstream_server_per_web_host():
    template = ROOT / "deploy" / "nginx" / "cdp.conf.template"
    values = ["SERVER_NAME=x.it", "PUBLIC_BASE_URL=https://x.it", "HTTP_LISTEN=80", "HTTPS_LISTEN=443",
              "TLS_CERTIFICATE=/c.pem", "TLS_CERTIFICATE_KEY=/k.pem", "STATIC_ROOT=/s", "MEDIA_ROOT=/m",
              "CLIENT_MAX_BODY_SIZE=22m"]
    rendered = {}
    for upstream in ("10.0.0.11:8000", "10.0.0.11:8000, 10.0.0.12:8000"):
        result = subprocess.run([sys.executable, str(ROOT / "deploy" / "render.py"), str(template),
                                 f"UPSTREAM={upstream}", *values], capture_output=True, text=True, check=True)
        rendered[upstream] = re.findall(r"^\s*server (\S+) ", result.stdout, flags=re.MULTILINE)
    assert rendered == {"10.0.0.11:8000": ["10.0.0.11:8000"],
                        "10.0.0.11:8000, 10.0.0.12:8000": ["10.0.0.11:8000", "10.0.0.12:8000"]}
    assert "# each:" not in result.stdout
