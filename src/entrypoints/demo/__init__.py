"""``v3 demo``: the whole workflow end to end on the embedded default (see ``command``).

The workflow and its console display (rich, Pillow) are imported when the demo runs, so the
other ``v3`` commands do not load them.
"""

from entrypoints.demo.command import demo, execute_demo

__all__ = ["demo", "execute_demo"]
