"""The article reader's label-block lifting measures each table / definition list's text
once (`article._too_long`), with the answer of measuring every one of them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from bot.library.parse.layouts.article import _text_len, _too_long


def _html(draw_nodes: list[tuple[str, int, int]]) -> str:
    """Nested and sibling tables / lists: (kind, text length, how many levels to close)."""
    out, open_tags = [], []
    for kind, length, close in draw_nodes:
        if kind == "table":
            out.append(f"<table><tr><td>{'x' * length}")
            open_tags.append("</td></tr></table>")
        elif kind == "dl":
            out.append(f"<dl><dt>Rating</dt><dd>{'y' * length}")
            open_tags.append("</dd></dl>")
        else:
            out.append(f"<p>{'z' * length}</p>")
        for _ in range(min(close, len(open_tags))):
            out.append(open_tags.pop())
    out.extend(reversed(open_tags))
    return "<html><body><div id='c'>" + "".join(out) + "</div></body></html>"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["table", "dl", "p"]), st.integers(0, 60), st.integers(0, 2)),
        max_size=25,
    ),
    st.sampled_from([0, 10, 50, 200]),
)
def test_too_long_is_measuring_each_block(nodes, limit):
    tree = LexborHTMLParser(_html(nodes))
    blocks = tree.css_first("#c").css("table, dl")
    expected = {n.mem_id for n in blocks if _text_len(n) > limit}
    assert _too_long(blocks, limit) == expected
