"""The soundtrack of a render (SPEC §8 "Sound"): each scene's script spoken, a music bed under
the whole video, both staged as local files for the renderer and removed after it.

A failed voice fails the job as ``media_generation_failed`` naming its scene (like footage), a
failed bed as ``media_generation_failed`` naming the music bed. A voice starts
``LEAD_IN_SECONDS`` after its scene starts; a scene too short for its voice is
lengthened (``fitted_duration``), never the voice cut. The bed lasts the whole (fitted) video
and takes its style from ``musicStyle``, else the tone, else the direction's style;
``musicStyle`` ``"none"`` means no bed. Scenes are spoken when a synthesizer is configured and
the brief asks for audio (``generateAudio`` true) or ``speak_always`` is set (``TTS_PROVIDER``
chosen explicitly). Nothing configured and nothing asked: the video has no audio stream.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import attrs

from v3core.brief import Brief
from v3core.errors import DomainError
from v3core.media.budget import check_budget
from v3core.model import Job, Voiceover
from v3core.ports.blobs import FileStager, StagedFile
from v3core.ports.media import MusicGenerator, MusicRequest, SpeechRequest, SpeechSynthesizer
from v3core.ports.renderer import RenderAudio, RenderRequest
from v3core.services.jobs.media_stage import SceneMediaFailed, media_failure_reason
from v3core.voiceover import LEAD_IN_SECONDS, fitted_duration

NO_MUSIC = "none"
"""The ``musicStyle`` that turns the music bed off."""

Report = Callable[[str], Awaitable[bool]]
"""Records a progress message; False when the job stopped rendering (cancelled)."""
Costs = dict[str, float]


class SoundStopped(Exception):
    """The job left video_processing while its soundtrack was being made."""


class MusicFailed(DomainError):
    """The music bed could not be made; the message says why (SPEC §8: a provider failure)."""

    code = "media_generation_failed"

    def __init__(self, error: BaseException) -> None:
        super().__init__(f"media generation failed for the music bed: {media_failure_reason(error)}")


@attrs.frozen
class Soundtrack:
    """A request with its soundtrack, the staged files to remove after the render, the costs and
    each spoken scene's voiceover (by scene number; its scene's duration in ``request`` is fitted)."""

    request: RenderRequest
    staged: tuple[StagedFile, ...]
    costs: dict[str, float]
    voiceovers: dict[int, Voiceover] = attrs.field(factory=dict)


def music_style(brief: Brief) -> str | None:
    """The bed's style: ``musicStyle``, else the tone, else the style (``None``: no music)."""
    direction = brief.creative.direction
    chosen = (direction.music_style or "").strip()
    if chosen.lower() == NO_MUSIC:
        return None
    return chosen or (direction.tone or "").strip() or direction.style


@attrs.frozen
class SoundStage:
    """Makes the soundtrack of a job's render through the speech and music ports."""

    stager: FileStager
    speech: SpeechSynthesizer | None = None
    music: MusicGenerator | None = None
    voice: str = "default"
    speak_always: bool = False

    def speaks(self, brief: Brief) -> bool:
        """Whether the job's scenes get a voiceover."""
        return self.speech is not None and (brief.generate_audio or self.speak_always)

    async def run(self, job: Job, request: RenderRequest, report: Report) -> Soundtrack:
        """``request`` with voices and music; on any failure the staged files are removed."""
        staged: list[StagedFile] = []
        costs: dict[str, float] = {}
        voiceovers: dict[int, Voiceover] = {}
        try:
            request = await self._speak(job, request, report, staged, costs, voiceovers)
            request = await self._compose(job, request, report, staged, costs)
        except BaseException:
            for file in staged:
                await self.stager.discard(file)
            raise
        return Soundtrack(request, tuple(staged), costs, voiceovers)

    async def _speak(
        self,
        job: Job,
        request: RenderRequest,
        report: Report,
        staged: list[StagedFile],
        costs: Costs,
        voiceovers: dict[int, Voiceover],
    ) -> RenderRequest:
        if self.speech is None or not self.speaks(job.brief):
            return request
        if not await report(f"Recording the voiceover of {len(request.scenes)} scenes"):
            raise SoundStopped
        speech_requests = {
            s.number: SpeechRequest(s.script.strip(), self.voice) for s in request.scenes if s.script.strip()
        }
        check_budget(job, "voiceover", sum(self.speech.price(r) for r in speech_requests.values()))
        lengths: dict[int, float | None] = {}
        paths: dict[int, str] = {}
        for done, (number, speech_request) in enumerate(speech_requests.items(), start=1):
            try:
                made = await self.speech.synthesize(speech_request)
            except Exception as error:
                raise SceneMediaFailed([(number, error)]) from error
            staged.append(made.staged)
            costs["speech"] = round(costs.get("speech", 0.0) + made.cost, 6)
            paths[number] = made.staged.path
            lengths[number] = made.staged.info.duration if made.staged.info else None
            if not await report(f"Recorded the voice of scene {number} ({done} of {len(speech_requests)})"):
                raise SoundStopped
        scenes, voices, start = [], [], 0.0
        for scene in request.scenes:
            seconds = lengths.get(scene.number)
            duration = fitted_duration(scene.duration, seconds)
            scenes.append(attrs.evolve(scene, duration=duration))
            if seconds:
                voiceovers[scene.number] = Voiceover(LEAD_IN_SECONDS, round(seconds, 3), scene.duration)
            if scene.number in paths:
                voices.append(RenderAudio(round(start + LEAD_IN_SECONDS, 6), paths[scene.number]))
            start += duration
        return attrs.evolve(request, scenes=tuple(scenes), voices=tuple(voices))

    async def _compose(
        self, job: Job, request: RenderRequest, report: Report, staged: list[StagedFile], costs: Costs
    ) -> RenderRequest:
        style = music_style(job.brief)
        if self.music is None or style is None:
            return request
        if not await report(f"Composing a {style} music bed"):
            raise SoundStopped
        music_request = MusicRequest(style, round(sum(s.duration for s in request.scenes), 3))
        check_budget(job, "music", self.music.price(music_request))
        try:
            made = await self.music.compose(music_request)
        except Exception as error:
            raise MusicFailed(error) from error
        staged.append(made.staged)
        costs["music"] = round(costs.get("music", 0.0) + made.cost, 6)
        return attrs.evolve(request, music=made.staged.path)

    async def discard(self, soundtrack: Soundtrack) -> None:
        """Remove the soundtrack's staged files (after the render, whatever its outcome)."""
        for file in soundtrack.staged:
            await self.stager.discard(file)
