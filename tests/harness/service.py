"""A service process started by the test harness, and small helpers shared by its starters."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Service:
    name: str
    url: str
    version: str
    process: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)
    stop_command: list[str] | None = None  # for daemons that fork (pg_ctl stop ...)
    # Fault tests: how to bring the same service back (same port, same data) after stop()/kill().
    # ``launch`` starts it again and returns its new process (None for daemons that fork);
    # ``kill_command`` is the crash-like stop of a daemon (pg_ctl stop -m immediate).
    launch: Callable[[], subprocess.Popen | None] | None = field(default=None, repr=False)
    kill_command: list[str] | None = None

    def stop(self, timeout: float = 30) -> None:
        """Stop the service and everything it started (its own process group)."""
        if self.stop_command:
            subprocess.run(self.stop_command, check=False, capture_output=True, timeout=timeout)
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


    # --- fault injection (tests/reliability) ------------------------------------------------
    def halt(self, timeout: float = 30) -> None:
        """Stop the process(es) but keep port and data, so that start() brings the same service back."""
        Service.stop(self, timeout=timeout)

    def kill(self) -> None:
        """Stop it the way a crash would: SIGKILL (or the daemon's immediate stop); data kept."""
        if self.kill_command:
            subprocess.run(self.kill_command, check=False, capture_output=True, timeout=60)
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        proc.wait(timeout=30)

    def start(self) -> None:
        """Start it again on the same port and data after halt() or kill(); returns once it answers."""
        if self.launch is None:
            raise RuntimeError(f"{self.name}: this service cannot be restarted (no launch recipe)")
        self.process = self.launch()

    def restart(self, timeout: float = 30) -> None:
        self.halt(timeout=timeout)
        self.start()

    @property
    def port(self) -> int:
        from urllib.parse import urlsplit

        return urlsplit(self.url).port


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}\n{tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {port} not open after {timeout:.0f}s\n{tail(log)}")


def tail(path: Path | None, lines: int = 40) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def as_user_command(command: list[str], user: str) -> list[str]:
    """Run as an unprivileged user when we are root (PostgreSQL and Elasticsearch refuse root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", user, "--", *command]


def kill_group_and_wait(pgid: int, grace: float, first: int = signal.SIGTERM) -> None:
    """SIGTERM what is left of the group, SIGKILL it after ``grace`` s, wait until it is empty.

    Gives up 10 s after SIGKILL (only zombies can survive that, e.g. under a PID 1
    that does not reap orphans).
    """

    def signal_group(sig: int) -> bool:
        try:
            os.killpg(pgid, sig)
            return True
        except ProcessLookupError:
            return False

    if not signal_group(first):
        return
    kill_at = time.monotonic() + grace
    give_up_at = kill_at + 10
    while signal_group(0):
        now = time.monotonic()
        if now >= give_up_at:
            return
        if now >= kill_at:
            signal_group(signal.SIGKILL)
        time.sleep(0.1)
