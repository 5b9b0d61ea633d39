"""A throwaway Redis server on a free loopback port (Debian's redis-server package)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.harness.service import Service, free_port, wait_for_port


def start_redis(workdir: Path, *, timeout: float = 30) -> Service:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("Redis not installed: apt-get install redis-server")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "redis.log"
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(workdir), "--logfile", str(log)]

    def launch() -> subprocess.Popen:
        """The same server again (same port and arguments): used by restart() in fault tests."""
        proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port, timeout, proc=proc, log=log)
        return proc

    proc = launch()
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    url = f"redis://127.0.0.1:{port}/0"
    return Service(
        name="redis",
        url=url,
        version=version,
        process=proc,
        env={"CELERY_BROKER_URL": url, "CACHE_URL": f"redis://127.0.0.1:{port}/1"},
        launch=launch,
    )
