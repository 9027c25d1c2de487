"""System adapters of the clock and id ports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from v3core.ports.system import Clock, IdGenerator


class SystemUtcClock(Clock):
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class Uuid4Generator(IdGenerator):
    """Random UUID4 strings."""

    def new_id(self) -> str:
        return str(uuid.uuid4())
