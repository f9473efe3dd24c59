"""write_json writes a Stream (a list read as it is written: every task of the JSON report) in the
very text json.dumps gives the whole document, whatever its items hold."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receptionctl.render.output import Stream, write_json

DOCUMENTS = [
    {"a": 1, "tasks": [{"x": 1, "y": [1, 2, {"z": "é\nq \"quoted\""}]}, {"x": 2, "w": None}], "c": {"d": [1]}},
    {"tasks": [], "b": 2},
    {"tasks": [1, 2, 3]},
    {"tasks": [[1, 2], [], {}], "more": [{"q": {"r": [True, False, 1.5]}}]},
    {"first": "\x00 a NUL in a value", "tasks": [{"k": "\x00stream 0\x00"}]},
]


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("batch", [1, 3, 8192])
def test_a_stream_is_written_as_json_dumps_writes_the_list(document, batch):
    streamed = {k: (Stream(iter(v), lambda item: item) if k in ("tasks", "more") else v) for k, v in document.items()}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        write_json(streamed, batch=batch)
    assert out.getvalue() == json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def test_a_stream_is_read_once_and_only_as_it_is_written():
    read = []

    def items():
        for n in range(3):
            read.append(n)
            yield {"n": n}

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        write_json({"before": 1, "tasks": Stream(items(), lambda item: item)})
    assert read == [0, 1, 2] and json.loads(out.getvalue())["tasks"] == [{"n": 0}, {"n": 1}, {"n": 2}]


FLAT = st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30),
                                                      st.floats(allow_nan=False), st.lists(st.integers(), max_size=2)),
                       max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(FLAT, max_size=4))
def test_a_streamed_object_of_plain_values_is_encoded_as_json_dumps_encodes_it(items):
    """Items made of strings (quotes, control characters, any script), numbers, booleans and
    nulls are written without the indenting encoder, in its very text."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        write_json({"head": 1, "tasks": Stream(list(items), lambda item: item)})
    assert out.getvalue() == json.dumps({"head": 1, "tasks": items}, ensure_ascii=False, indent=2) + "\n"
