"""Debian's Dovecot on loopback for the tests: IMAP, plain login, one maildir per user in a temp dir.

Non-root friendly: its own base_dir, state and log in the temp dir, a passwd-file of test
users, every process running as the invoking user (as root, Dovecot insists on unprivileged
users for its login and internal processes: Debian's ``dovenull`` and ``dovecot``).
"""
from __future__ import annotations

import getpass
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.harness.service import free_port

DOVECOT = "/usr/sbin/dovecot"

_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={internal_group} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


class DovecotServer:
    """``users``: {name: password}. ``account(user)`` gives the settings the app's IMAP reader takes."""

    def __init__(self, users: dict[str, str]):
        self.users = users
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.process: subprocess.Popen | None = None

    def _identities(self) -> dict:
        if os.getuid() == 0:  # login processes must not run as root
            return {"login_user": "dovenull", "internal_user": "dovecot", "internal_group": "dovecot",
                    "mail_user": "dovecot"}
        me = getpass.getuser()
        group = pwd.getpwuid(os.getuid()).pw_gid
        return {"login_user": me, "internal_user": me, "internal_group": str(group), "mail_user": me}

    def start(self, timeout: float = 30) -> None:
        identities = self._identities()
        (self.root / "dovecot.conf").write_text(_CONFIG.format(root=self.root, port=self.port, **identities))
        (self.root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in self.users.items()))
        self.root.chmod(0o755)  # the login processes reach their sockets in base_dir
        if os.getuid() == 0:
            shutil.chown(self.root, identities["mail_user"], identities["internal_group"])
            for path in self.root.iterdir():
                shutil.chown(path, identities["mail_user"], identities["internal_group"])
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")], start_new_session=True,
            stdout=(self.root / "stdout.log").open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited:\n{self.log_tail()}")
            try:
                connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=2)
                connection.logout()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot not ready in {timeout}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 40) -> str:
        text = ""
        for name in ("stdout.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def account(self, user: str) -> dict:
        return {"host": "127.0.0.1", "port": self.port, "ssl": False, "user": user,
                "password": self.users[user], "folder": "INBOX"}

    def _login(self, user: str) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        connection.login(user, self.users[user])
        return connection

    def deliver(self, user: str, raw: bytes) -> None:
        """Put a message in the user's INBOX, unseen, as the MTA's local delivery would (IMAP APPEND)."""
        connection = self._login(user)
        try:
            status, data = connection.append("INBOX", None, None, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
            assert status == "OK", data
        finally:
            connection.logout()

    def flags(self, user: str) -> list[str]:
        """The flags of every message in the user's INBOX, in order."""
        connection = self._login(user)
        try:
            connection.select("INBOX")
            status, data = connection.fetch("1:*", "(FLAGS)")
            if status != "OK" or data == [None]:
                return []
            return [item.decode() for item in data if isinstance(item, bytes)]
        finally:
            connection.logout()

    def clear(self, user: str) -> None:
        connection = self._login(user)
        try:
            connection.select("INBOX")
            connection.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
            connection.expunge()
        except imaplib.IMAP4.error:
            pass  # empty mailbox
        finally:
            connection.logout()
