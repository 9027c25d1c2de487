"""``v3 demo``: the whole workflow end to end on the embedded default (see ``command``)."""

from entrypoints.demo.command import demo, execute_demo
from entrypoints.demo.workflow import run_demo

__all__ = ["demo", "execute_demo", "run_demo"]
