"""A Babel extraction method for the command line's help texts: the string given as `help=` (and
`short_help=`, `epilog=`) to typer.Typer, app.command, typer.Option and typer.Argument, which are
plain English in the code (no marker) and translated when shown (cli/translate.py). A help made
of pieces joined with `+` (a shared sentence such as DAY_FORMS) gives its literal pieces, sentence
by sentence, as cli/translate.py looks them up. Used by `make i18n` (babel.cfg)."""

import ast

KEYWORDS = {"help", "short_help", "epilog"}


def sentences(text: str) -> list[str]:
    from receptionctl.cli.translate import split_sentences

    return split_sentences(text)


def _pieces(node) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pieces(node.left), _pieces(node.right)
        return (left or []) + (right or []) if (left or right) else None
    return None


def extract(fileobj, keywords, comment_tags, options):
    """The marked messages (Babel's Python extractor), then the help texts."""
    import io

    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    tree = ast.parse(source.decode("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id.endswith("_FORMS"):
            for piece in _pieces(node.value) or []:
                for s in sentences(piece):
                    yield node.lineno, "", s, []
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg not in KEYWORDS:
                continue
            if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                if kw.value.value:
                    yield kw.value.lineno, "", kw.value.value, []
                continue
            for piece in _pieces(kw.value) or []:
                for s in sentences(piece):
                    yield kw.value.lineno, "", s, []
