"""A throwaway PostgreSQL cluster on a free loopback port (Debian's postgresql package)."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from tests.harness.service import Service, as_user_command, free_port, tail, wait_for_port


def _pg_bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not candidates:
        raise RuntimeError("PostgreSQL not installed: apt-get install postgresql")
    return Path(candidates[-1]).parent


def start_postgres(workdir: Path, *, timeout: float = 60) -> Service:
    bindir = _pg_bindir()
    user = "postgres"
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / "pgdata"
    log = workdir / "postgres.log"
    if os.geteuid() == 0:
        shutil.chown(workdir, user=user)
    subprocess.run(
        as_user_command([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"], user),
        check=True, capture_output=True,
    )
    port = free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    start_command = as_user_command(
        [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", str(int(timeout)), "start"], user
    )

    def launch() -> None:
        """pg_ctl start on the same data dir and port (first start, and restart() in fault tests)."""
        result = subprocess.run(start_command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{tail(log)}")
        try:
            wait_for_port(port, timeout, log=log)
        except RuntimeError:
            raise RuntimeError(f"PostgreSQL did not start\n{tail(log)}") from None

    launch()
    version = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True).stdout.strip()
    url = f"postgres://postgres@127.0.0.1:{port}/cdp"
    subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "cdp"], check=True, capture_output=True)
    return Service(
        name="postgresql",
        url=url,
        version=version,
        env={"DATABASE_URL": url},
        stop_command=as_user_command([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], user),
        launch=launch,
        kill_command=as_user_command([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user),
    )
