"""The public site: pages generated from the data and the scores, built with MkDocs + Material.

``build.run_build`` is the entry point of ``pledges build``. Generation (``generate``) writes
Markdown and static data files with jinja2 *before* MkDocs runs; nothing here hooks into MkDocs.
"""
