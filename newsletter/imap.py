"""The bounce mailbox over IMAP (stdlib imaplib): unseen messages in, processed ones marked seen.

Messages are fetched with BODY.PEEK[] so reading does not mark them: only a message whose
outcome is committed gets \\Seen, and a run interrupted halfway reads the rest next time.
"""
from __future__ import annotations

import imaplib
import ssl
from collections.abc import Iterator

TIMEOUT_SECONDS = 30


class MailboxError(RuntimeError):
    """The IMAP server refused the login, the folder or a command."""


def _check(response, what: str):
    status, data = response
    if status != "OK":
        raise MailboxError(f"IMAP {what}: {status} {data!r}")
    return data


class Mailbox:
    """``with Mailbox(account) as box: for uid, raw in box.unseen(): ...; box.mark_seen(uid)``.

    ``account`` is a dict as ``newsletter.conf.imap_account`` returns it.
    """

    def __init__(self, account: dict):
        self.account = account
        self.connection: imaplib.IMAP4 | None = None

    def __enter__(self) -> "Mailbox":
        host, port = self.account["host"], int(self.account["port"])
        try:
            if self.account.get("ssl", True):
                self.connection = imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(),
                                                    timeout=TIMEOUT_SECONDS)
            else:
                self.connection = imaplib.IMAP4(host, port, timeout=TIMEOUT_SECONDS)
            _check(self.connection.login(self.account["user"], self.account["password"]), "LOGIN")
            _check(self.connection.select(self._quoted(self.account.get("folder") or "INBOX")), "SELECT")
        except imaplib.IMAP4.error as exc:
            self.close()
            raise MailboxError(f"IMAP {host}:{port}: {exc}") from exc
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @staticmethod
    def _quoted(folder: str) -> str:
        return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def close(self) -> None:
        if self.connection is None:
            return
        try:
            if self.connection.state == "SELECTED":
                self.connection.close()
            self.connection.logout()
        except (imaplib.IMAP4.error, OSError):
            pass  # the server went away: nothing to close politely
        self.connection = None

    def unseen(self, subject: str | None = None) -> Iterator[tuple[bytes, bytes]]:
        """(uid, raw message) of each unseen message, optionally only those whose subject contains ``subject``."""
        criteria = ["UNSEEN"] + (["SUBJECT", self._quoted(subject)] if subject else [])
        uids = _check(self.connection.uid("SEARCH", *criteria), "SEARCH")
        for uid in (uids[0] or b"").split():
            data = _check(self.connection.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
            raw = next((item[1] for item in data if isinstance(item, tuple) and len(item) > 1), None)
            if raw is not None:
                yield uid, raw

    def mark_seen(self, uid: bytes) -> None:
        _check(self.connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), "STORE")

    def seen_count(self) -> int:
        data = _check(self.connection.uid("SEARCH", "SEEN"), "SEARCH")
        return len((data[0] or b"").split())

