"""Rich Text Format (.rtf: Word, WordPad, TextEdit, Scrivener exports) -> `Block`s, with
striprtf. RTF is 7-bit text: its code page (`\\ansicpg`) and `\\'xx` / `\\uN` escapes are
decoded by striprtf; pictures, fonts and other destinations are dropped. Each paragraph
(`\\par`) is one block; headings are found in the text like any .txt file's."""

from __future__ import annotations

import logging
import re

from bot.library.errors import StoryRejected
from bot.library.parse.formats import Block

log = logging.getLogger(__name__)

_CODEPAGE = re.compile(rb"\\ansicpg(\d+)")


def rtf_blocks(data: bytes, source_name: str) -> tuple[list[Block], str]:
    import codecs

    from striprtf.striprtf import rtf_to_text

    m = _CODEPAGE.search(data[:4096])
    encoding = f"cp{int(m.group(1))}" if m else "cp1252"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "cp1252"
    text = data.decode("latin-1")  # RTF is 7-bit; 8-bit bytes are kept one-to-one
    try:
        plain = rtf_to_text(text, encoding=encoding, errors="replace")
    except (ValueError, IndexError, OverflowError) as err:
        raise StoryRejected(
            "The RTF document is damaged and cannot be read.", source_name=source_name
        ) from err
    plain = plain.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [Block(line) for line in plain.split("\n")]
    return blocks, encoding
