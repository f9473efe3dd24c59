"""Compiles the message catalogues (locale/*/LC_MESSAGES/*.po) into .mo files when the package is
built or installed (pip, pipx, uv); the rest of the packaging is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues(root: Path) -> list[Path]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted((root / "receptionctl" / "locale").glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written.append(mo)
    return written


class BuildWithCatalogues(build_py):
    def run(self):
        compile_catalogues(Path(__file__).resolve().parent / "src")
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
