"""Build step the declarative pyproject cannot say: the translations go into the wheel, compiled.

The catalogs live at the repository root (``locale/``, where every branch appends its
entries); the wheel carries them as ``portal/locale`` (an app's own locale directory,
which Django finds without LOCALE_PATHS) with the ``.mo`` files compiled by GNU msgfmt,
so an installed portal needs no ``compilemessages``.
"""
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithTranslations(build_py):
    def run(self):
        super().run()
        source = ROOT / "locale"
        if not source.is_dir():
            return
        target = Path(self.build_lib) / "portal" / "locale"
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            raise SystemExit("msgfmt not found: install gettext to build the package (the translations are compiled)")
        for po in source.glob("*/LC_MESSAGES/*.po"):
            destination = target / po.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(po, destination)
            subprocess.run([msgfmt, "--check-format", "-o", str(destination.with_suffix(".mo")), str(po)], check=True)


setup(cmdclass={"build_py": BuildWithTranslations})
