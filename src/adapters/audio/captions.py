"""Captions as WebVTT (written with webvtt-py), from the cues the domain timed."""

from __future__ import annotations

from collections.abc import Sequence

from webvtt import Caption, WebVTT

from v3core.voiceover import Cue


def _stamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escaped(text: str) -> str:
    """Cue text as WebVTT needs it: markup characters escaped (so ``-->`` cannot end a cue)."""
    flat = " ".join(text.split())
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt_text(cues: Sequence[Cue]) -> str:
    """A WebVTT document with one numbered cue per caption."""
    document = WebVTT()
    for number, cue in enumerate(cues, start=1):
        document.captions.append(
            Caption(_stamp(cue.start), _stamp(cue.end), _escaped(cue.text), identifier=str(number))
        )
    return str(document.content) if cues else "WEBVTT\n"
