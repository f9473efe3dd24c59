"""No code of ours uses a private part of a library: no module, class, function or attribute
whose name starts with an underscore (dunder names such as `__version__` aside). A private
part changes or goes away in any release without notice (typer vendors click as
`typer._click`; cryptography 51 dropped `Fernet._signing_key`); the public surface is kept.

The scan reads the source (ast), it imports nothing. It finds:
- an import of a private module or name: `import typer._click`, `from typer._click import core`,
  `from typer.core import _TyperParameter`;
- a private attribute of a name imported from a library, at any depth: `Fernet._signing_key`,
  `typer.core._ = ...`, and of an object made by one (`engine = create_engine(...)`,
  `old = Fernet(key)`) or a parameter annotated with one (`engine: Engine`): `engine._compiled_cache`;
- the same through getattr, setattr, hasattr and delattr with a constant name;
- a private module in a dotted string given to import_module, __import__, setattr or patch
  (monkeypatch, mock), or as a key of sys.modules;
- in a class whose base is a library's class, `self._name`, `cls._name` or `super()._name` the
  class does not define itself (by a def or at class level): a private attribute it inherits.

The project's own underscore names are fine, and so is an attribute the project puts on a
library's object under its own name (`_receptionctl…`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LIBRARIES = frozenset({"typer", "click", "cryptography", "sqlalchemy", "sqlmodel", "rich", "babel", "apprise",
                       "holidays", "alembic", "questionary", "prompt_toolkit"})
ROOT = Path(__file__).resolve().parents[2]
OWN_PREFIX = "_receptionctl"  # the project's own attributes on a library's objects


def private(name: str) -> bool:
    """A private name: a leading underscore, not a dunder, not the project's own prefix."""
    if not name.startswith("_") or name.startswith(OWN_PREFIX):
        return False
    return not (name.startswith("__") and name.endswith("__") and len(name) > 4)


def private_module(path: str) -> bool:
    """A dotted module path into a listed library with a private component."""
    parts = path.split(".")
    return parts[0] in LIBRARIES and any(private(p) for p in parts[1:])


def _chain(node: ast.AST) -> tuple[str | None, list[str]]:
    """`a.b.c` -> ("a", ["b", "c"]); the root is None when it is not a plain name."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    return (node.id if isinstance(node, ast.Name) else None), attrs[::-1]


def _root(node: ast.AST | None) -> str | None:
    """The name a call, an attribute or a subscript (`Engine`, `Optional[Engine]`) starts from."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.slice if isinstance(node.value, ast.Name) and node.value.id in ("Optional",) else node.value
        elif isinstance(node, ast.BinOp):  # Engine | None
            node = node.left
        else:
            return _chain(node)[0] if node is not None else None


class _Scan(ast.NodeVisitor):
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.found: list[str] = []
        self.libs: set[str] = set()  # names bound to a library's module, class or function
        self.made: set[str] = set()  # names bound to an object made by one, or annotated with one

    def report(self, node: ast.AST, what: str) -> None:
        self.found.append(f"{self.filename}:{getattr(node, 'lineno', 0)}: {what}")

    # -- the names: a first pass binds them, wherever they are in the file ------------------------
    def bind(self, tree: ast.AST) -> None:  # noqa: C901 (one kind of binding a branch)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in LIBRARIES:
                        self.libs.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                if node.module.split(".")[0] in LIBRARIES:
                    self.libs.update(alias.asname or alias.name for alias in node.names if alias.name != "*")
        for _ in range(2):  # an object made from an object made from a library's
            for node in ast.walk(tree):
                if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, (ast.Call, ast.Attribute)):
                    if self.tracked(_root(node.value)):
                        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                        self.made.update(t.id for t in targets if isinstance(t, ast.Name))
                elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
                    if self.tracked(_root(node.context_expr)):
                        self.made.add(node.optional_vars.id)
                elif isinstance(node, ast.arg) and node.annotation is not None:
                    annotation = node.annotation
                    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                        try:
                            annotation = ast.parse(annotation.value, mode="eval").body
                        except SyntaxError:
                            continue
                    if _root(annotation) in self.libs:
                        self.made.add(node.arg)

    def tracked(self, name: str | None) -> bool:
        return name is not None and (name in self.libs or name in self.made)

    # -- the uses ----------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if private_module(alias.name):
                self.report(node, f"import {alias.name}")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module or node.module.split(".")[0] not in LIBRARIES:
            return
        if private_module(node.module):
            self.report(node, f"from {node.module} import ...")
        for alias in node.names:
            if private(alias.name):
                self.report(node, f"from {node.module} import {alias.name}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if private(node.attr):
            root, attrs = _chain(node)
            if root in self.libs or (root in self.made and len(attrs) == 1):
                self.report(node, f"{root}.{'.'.join(attrs)}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        first = node.args[0] if node.args else None
        text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        if name in ("getattr", "setattr", "hasattr", "delattr") and isinstance(func, ast.Name) and len(node.args) > 1:
            attr = node.args[1]
            if isinstance(attr, ast.Constant) and isinstance(attr.value, str) and private(attr.value):
                if self.tracked(_root(first)):
                    self.report(node, f"{name}({ast.unparse(first)}, {attr.value!r})")
        if text is not None and name in ("import_module", "__import__", "setattr", "delattr", "patch"):
            if private_module(text):
                self.report(node, f"{name}({text!r})")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        key = node.slice
        if ast.unparse(node.value) == "sys.modules" and isinstance(key, ast.Constant) and isinstance(key.value, str):
            if private_module(key.value):
                self.report(node, f"sys.modules[{key.value!r}]")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if any(_root(base) in self.libs for base in node.bases):
            own = {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            for n in node.body:
                targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AnnAssign) else []
                own.update(t.id for t in targets if isinstance(t, ast.Name))
            for inner in ast.walk(node):
                if not (isinstance(inner, ast.Attribute) and private(inner.attr) and inner.attr not in own):
                    continue
                value = inner.value
                if (isinstance(value, ast.Name) and value.id in ("self", "cls")) or (
                        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super"):
                    self.report(inner, f"{ast.unparse(inner)} (inherited from {node.name}'s library base)")
        self.generic_visit(node)


def private_uses(source: str, filename: str = "<source>") -> list[str]:
    """Every use of a private part of a listed library in `source`, one line each."""
    tree = ast.parse(source, filename)
    scan = _Scan(filename)
    scan.bind(tree)
    scan.visit(tree)
    return scan.found


def sources() -> list[Path]:
    return sorted(p for folder in ("src", "tests") for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def test_no_code_of_ours_uses_a_private_part_of_a_library():
    files = sources()
    assert len(files) > 50 and any(p.name == "app.py" for p in files)  # the scan sees the code
    found = [line for path in files
             for line in private_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not found, "\n".join(found)


# -- the scan finds what it should, and only that ----------------------------------------------------
CAUGHT = {
    "a private name from a public module": "from typer.core import TyperGroup, _TyperParameter\n",
    "a patch of a private class": "import typer.core\ntyper.core._TyperParameter.get_runtime_param = f\n",
    "a private module": "from typer._click.utils import make_default_short_help\n",
    "a private module, inside a function": "def f():\n    from typer._coercion import build_runtime_param\n",
    "a private package": "from typer._click import core, utils\n",
    "a private module's class": "from typer._click.formatting import HelpFormatter\n",
    "a private global replaced": "import typer.core\ntyper.core._ = _\n",
    "the current context": "from typer._click.globals import get_current_context\n",
    "import of a private module": "import typer._click.core as core\n",
    "a private name from a package": "from typer import _click\n",
    "a private attribute of a class": "from cryptography.fernet import Fernet\nkey = Fernet._signing_key\n",
    "a private attribute of an object": "from cryptography.fernet import Fernet\nold = Fernet(k)\nold._signing_key\n",
    "an engine's private cache": ("from sqlalchemy import create_engine\nbase = create_engine('sqlite://')\n"
                                  "engine = create_engine(url)\nengine._compiled_cache = base._compiled_cache\n"),
    "through an annotation": ("from sqlalchemy.engine import Engine\n\n"
                              "def share(engine: Engine) -> None:\n    engine._compiled_cache = {}\n"),
    "through a string annotation": "import typer\n\ndef f(ctx: 'typer.Context'):\n    return ctx._meta\n",
    "an object's private attribute, by getattr": "import typer\ngetattr(typer.core, '_TyperParameter')\n",
    "a patch by a dotted string": "def test(monkeypatch):\n    monkeypatch.setattr('typer._click.utils.x', 1)\n",
    "an import by a string": "import importlib\nimportlib.import_module('rich._wrap')\n",
    "a module by sys.modules": "import sys\nsys.modules['typer._click']\n",
    "an inherited private attribute": ("from typer.core import TyperOption\n\nclass Light(TyperOption):\n"
                                       "    def get_runtime_param(self):\n        return self._runtime_param\n"),
    "an inherited private method, through super()": ("import typer\n\nclass G(typer.core.TyperGroup):\n"
                                                     "    def resolve(self, ctx, args):\n"
                                                     "        return super()._click_resolve_command(ctx, args)\n"),
    "any listed library": "import sqlmodel\nsqlmodel.main._x\n",
}

PASSED = {
    "public names": "import typer\nfrom typer.core import TyperGroup\ntyper.__version__\nTyperGroup.format_help\n",
    "the project's own private names": "from receptionctl.domain import clock\nclock._pinned\nfrom receptionctl.x import _y\n",
    "another library's private name": "import os\nos._exit(0)\n",
    "the project's attribute on a library object": ("import typer\n\ndef mark(ctx: typer.Context):\n"
                                                     "    ctx._receptionctl_lang = 'en'\n"),
    "a private method the class defines": ("from typer.core import TyperGroup\n\nclass G(TyperGroup):\n"
                                           "    def _listing(self):\n        return 1\n\n"
                                           "    def format_commands(self, ctx, formatter):\n        self._listing()\n"),
    "self in a class of ours": "class State:\n    def db(self):\n        return self._db\n",
    "dunder attributes": "import typer\n\nclass A(typer.Context):\n    def f(self):\n        return self.__class__\n",
    "a deeper attribute of an object": ("import typer\n\ndef state(ctx: typer.Context):\n"
                                        "    return ctx.obj._db\n"),
    "a string that only mentions one": "TEXT = 'from typer._click import core'\n",
}


@pytest.mark.parametrize("source", CAUGHT.values(), ids=list(CAUGHT))
def test_the_scan_catches(source):
    assert private_uses(source), source


@pytest.mark.parametrize("source", PASSED.values(), ids=list(PASSED))
def test_the_scan_passes(source):
    assert private_uses(source) == []


def test_the_scan_would_have_caught_the_code_before():
    """The uses this test was written to end, as they were in the code."""
    before = {
        "src/receptionctl/cli/app.py": (
            "from typer.core import TyperGroup, _TyperParameter\n"
            "def _listing(self, ctx, name, limit):\n"
            "    from typer._click.utils import make_default_short_help\n"
            "def _light_runtime_param(self):\n"
            "    if self._runtime_param is None:\n"
            "        self._runtime_param = _LightParam()\n"
            "class _LightParam:\n"
            "    def coerce(self, value, param, ctx):\n"
            "        from typer._coercion import build_runtime_param\n"
            "_TyperParameter.get_runtime_param = _light_runtime_param\n"),
        "src/receptionctl/cli/translate.py": (
            "def install_formatter():\n"
            "    import typer.core\n"
            "    from typer._click import core, utils\n"
            "    from typer._click.formatting import HelpFormatter\n"
            "    typer.core._ = _\n"),
        "src/receptionctl/cli/common.py": (
            "def _running_config_command():\n"
            "    from typer._click.globals import get_current_context\n"),
        "src/receptionctl/store/db.py": (
            "from sqlalchemy import create_engine\nfrom sqlalchemy.engine import Engine\n"
            "def _share_compiled_sql(engine: Engine):\n"
            "    base = create_engine('sqlite://')\n"
            "    engine._compiled_cache = base._compiled_cache\n"),
        "tests/cli/test_keys.py": (
            "def test(key):\n"
            "    from cryptography.fernet import Fernet\n"
            "    old = Fernet(key.read_bytes().strip())\n"
            "    assert key.read_bytes().strip() not in (new_key, old._signing_key)\n"),
    }
    found = {name: private_uses(source, name) for name, source in before.items()}
    assert [len(found[name]) for name in before] == [3, 3, 1, 2, 1], found
