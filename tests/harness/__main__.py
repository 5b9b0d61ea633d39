"""Start the services the tests need, on loopback with throwaway data.

    python -m tests.harness run -- pytest ...   start what the environment lacks, run, stop
    python -m tests.harness services            start them and wait (make services)

A service whose variable is already set (ELASTICSEARCH_URL, DATABASE_URL,
CELERY_BROKER_URL) is used as given and not started. With CI=true a service that
cannot start fails the run instead of leaving its tests to be skipped.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.harness.service import Service

STARTERS = {
    # variable that, when set, means "use this one"  ->  how to start our own
    "DATABASE_URL": ("postgresql", "tests.harness.postgres", "start_postgres"),
    "CELERY_BROKER_URL": ("redis", "tests.harness.redis", "start_redis"),
    "ELASTICSEARCH_URL": ("elasticsearch", "tests.harness.elasticsearch", "start_elasticsearch"),
}


def _log(message: str) -> None:
    print(f"[harness] {message}", flush=True)


def start_missing(workdir: Path, only: set[str] | None = None) -> tuple[list[Service], dict[str, str], list[str]]:
    started: list[Service] = []
    env: dict[str, str] = {}
    failures: list[str] = []
    for variable, (name, module_name, function_name) in STARTERS.items():
        if only is not None and name not in only:
            continue
        if os.environ.get(variable):
            _log(f"{name}: using {variable}={os.environ[variable]}")
            continue
        _log(f"{name}: starting a throwaway instance ...")
        began = time.monotonic()
        try:
            module = __import__(module_name, fromlist=[function_name])
            service = getattr(module, function_name)(workdir / name)
        except Exception as exc:  # report every failure, then decide
            failures.append(f"{name}: {exc}")
            _log(f"{name}: FAILED to start: {exc}")
            continue
        started.append(service)
        env.update(service.env)
        _log(f"{name}: {service.version} at {service.url} ({time.monotonic() - began:.1f}s)")
    return started, env, failures


def stop_all(services: list[Service]) -> None:
    for service in reversed(services):
        try:
            service.stop()
            _log(f"{service.name}: stopped")
        except Exception as exc:
            _log(f"{service.name}: stop failed: {exc}")


def _run(cmd: list[str], env: dict) -> int:
    """The command's exit status. Stopped ourselves, we stop it before its services: a moment
    to finish on its own (a Ctrl-C in a terminal reached it too), then SIGTERM, then SIGKILL."""
    child = subprocess.Popen(cmd, env=env)
    try:
        return child.wait()
    finally:
        for stop, grace in ((None, 5), (child.terminate, 15), (child.kill, None)):
            if child.poll() is not None:
                break
            if stop is not None:
                stop()
            try:
                child.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                continue


def _exit_on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.harness")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start services, run a command with their env, stop them")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    sub.add_parser("services", help="start services and wait")
    args = parser.parse_args(argv)

    # Stopped by a signal (Ctrl-C, kill, a CI timeout), still stop the services: SIGTERM becomes
    # an exit that runs the ``finally`` below, and SIGINT works even when the shell started us
    # in the background with it ignored.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    workdir = Path(tempfile.mkdtemp(prefix="cdp-services-"))
    os.chmod(workdir, 0o755)
    in_ci = os.environ.get("CI", "").lower() == "true"
    services, env, failures = start_missing(workdir)
    if failures and in_ci:
        _log("CI=true and a service could not start: failing the run")
        stop_all(services)
        return 3

    try:
        if args.command == "services":
            print("\n# export these in your shell to use the services:")
            for key, value in env.items():
                print(f"export {key}='{value}'")
            print("# press Ctrl-C to stop them", flush=True)
            while True:
                signal.pause()
        cmd = [c for c in args.cmd if c != "--"]
        if not cmd:
            parser.error("run needs a command after --")
        child_env = {**os.environ, **env, "HARNESS_SERVICES": ",".join(s.name for s in services)}
        return _run(cmd, child_env)
    except KeyboardInterrupt:
        return 130
    finally:
        stop_all(services)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
