"""Source layouts: one module per kind of file the parser knows.

Each HTML layout module has `NAME`, `detect(tree) -> float` (how sure it is, 0…1) and
`extract(tree, source_name) -> RawStory`; `bot.library.parse.html.LAYOUTS` lists them in
the order they are tried. A new layout is one module here plus its fixtures.
"""
