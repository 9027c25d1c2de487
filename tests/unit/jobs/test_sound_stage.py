"""The render's soundtrack step (SPEC §8 "Sound"): one voice per scene placed at its scene's
start plus the lead-in, scenes lengthened to fit their voice, a music bed of the whole video in
the brief's music style (else tone, else style), costs charged, staged audio always removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.jobs.media_world import MediaWorld
from v3core.errors import UpstreamError
from v3core.model import JobStatus, Voiceover
from v3core.voiceover import LEAD_IN_SECONDS, TAIL_SECONDS, fit_note, fit_notes, storyboard_captions


def left(path: str) -> bool:
    """Whether a staged file is still on disk."""
    return Path(path).exists()


@pytest.fixture
async def world(tmp_path: Path) -> MediaWorld:
    built = MediaWorld(tmp_path, image=False, video=False, sound=True)
    await built.seed()
    return built


async def render(world: MediaWorld, generate_audio: bool = True, **direction: object) -> str:
    """A job with ``direction`` changes, approved and rendered (its tasks all run)."""
    job_id = await world.ready_job(direction=direction, generate_audio=generate_audio)
    await world.action(job_id, "approve")
    await world.tasks.run_all()
    return job_id


async def test_each_scene_is_spoken_from_its_start_plus_the_lead_in(world: MediaWorld) -> None:
    job_id = await render(world)

    job = await world.job(job_id)
    assert job.status == JobStatus.COMPLETED, job.error
    request = world.renderer.requests[-1]
    starts = [sum(s.duration for s in request.scenes[:i]) for i in range(len(request.scenes))]
    assert [v.start for v in request.voices] == pytest.approx([s + LEAD_IN_SECONDS for s in starts])
    scripts = [s.script for s in sorted(await world.scenes(job_id), key=lambda s: s.number)]
    assert [r.text for r in world.speech.requests] == [s.strip() for s in scripts]
    assert {r.voice for r in world.speech.requests} == {"alloy"}
    assert job.cost.breakdown["speech"] == pytest.approx(0.001 * sum(len(s.strip()) for s in scripts))


async def test_a_scene_too_short_for_its_voice_is_lengthened(world: MediaWorld) -> None:
    world.speech.seconds_per_word = 1.0  # far slower than any scene allows
    job_id = await render(world)

    request = world.renderer.requests[-1]
    scenes = sorted(await world.scenes(job_id), key=lambda s: s.number)
    for planned, rendered in zip(scenes, request.scenes, strict=True):
        voice = world.speech.length(planned.script.strip())
        needed = LEAD_IN_SECONDS + voice + TAIL_SECONDS
        assert rendered.duration == pytest.approx(max(planned.duration, needed))
    assert world.music.requests[-1].duration == pytest.approx(sum(s.duration for s in request.scenes))


async def test_the_bed_takes_the_music_style_else_the_tone_else_the_style(world: MediaWorld) -> None:
    await render(world, musicStyle="lo-fi piano")
    await render(world)  # BODY's tone is "playful"
    await render(world, tone=None)

    assert [r.style for r in world.music.requests] == ["lo-fi piano", "playful", "Sunlit outdoor"]
    assert world.renderer.requests[-1].music is not None


async def test_music_style_none_means_no_bed(world: MediaWorld) -> None:
    await render(world, musicStyle="none")

    assert world.music.requests == []
    assert world.renderer.requests[-1].music is None


async def test_generate_audio_false_means_no_voice(world: MediaWorld) -> None:
    await render(world, generate_audio=False)

    assert world.speech.requests == []
    assert world.renderer.requests[-1].voices == ()
    assert world.renderer.requests[-1].music is not None


async def test_staged_audio_is_removed_after_the_render(world: MediaWorld) -> None:
    await render(world)

    staged = [f.path for f in world.speech.staged + world.music.staged]
    assert staged
    assert not [path for path in staged if left(path)]


async def test_a_voice_failure_fails_the_job_at_media_generation_and_removes_what_was_staged(
    world: MediaWorld,
) -> None:
    # the second call fails, so one voice is already staged when the job fails
    original = world.speech.synthesize
    calls = {"n": 0}

    async def second_fails(request):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("voice server closed the socket")
        return await original(request)

    world.speech.synthesize = second_fails  # type: ignore[method-assign]
    job_id = await render(world)

    job = await world.job(job_id)
    assert job.status == JobStatus.FAILED
    assert job.error is not None
    assert (job.error.code, job.error.step) == ("media_generation_failed", "media_generation")
    assert "voice server closed the socket" in job.error.message
    assert "scene 2" in job.error.message, "the message names the scene whose voice failed"
    assert world.speech.staged
    assert not [f.path for f in world.speech.staged if left(f.path)]


async def test_a_music_failure_fails_the_job_with_the_providers_error(world: MediaWorld) -> None:
    world.music.fail_with = UpstreamError("music model unavailable")
    job_id = await render(world)

    job = await world.job(job_id)
    assert job.status == JobStatus.FAILED
    assert job.error is not None
    assert job.error.step == "media_generation"
    assert "music model unavailable" in job.error.message
    assert not [f.path for f in world.speech.staged if left(f.path)]


async def test_a_job_cancelled_while_its_voices_are_made_is_not_rendered_and_keeps_no_audio(
    world: MediaWorld,
) -> None:
    job_id = await world.ready_job(generate_audio=True)
    original = world.speech.synthesize

    async def cancel_on_first(request):  # type: ignore[no-untyped-def]
        made = await original(request)
        if len(world.speech.staged) == 1:
            await world.action(job_id, "cancel")
        return made

    world.speech.synthesize = cancel_on_first  # type: ignore[method-assign]
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    job = await world.job(job_id)
    assert job.status == JobStatus.CANCELLED
    assert world.renderer.requests == []
    assert world.speech.calls == 1  # no further paid call once the job is cancelled
    assert world.music.requests == []
    assert not [f.path for f in world.speech.staged if left(f.path)]


async def test_the_fitted_lengths_and_voices_are_stored_on_the_scenes_and_time_the_captions(
    world: MediaWorld,
) -> None:
    world.speech.seconds_per_word = 1.0  # every scene is too short for its voice
    job_id = await world.ready_job(generate_audio=True)
    planned = {s.number: s.duration for s in await world.scenes(job_id)}
    await world.action(job_id, "approve")
    await world.tasks.run_all()

    stored = sorted(await world.scenes(job_id), key=lambda s: s.number)
    request = world.renderer.requests[-1]
    assert [s.duration for s in stored] == [s.duration for s in request.scenes]
    for scene in stored:
        voice = world.speech.length(scene.script.strip())
        before = planned[scene.number]
        assert scene.voiceover == Voiceover(LEAD_IN_SECONDS, voice, before)
        assert scene.duration == pytest.approx(max(before, LEAD_IN_SECONDS + voice + TAIL_SECONDS))
        expected = (
            f"scene {scene.number} lengthened from {before:.1f} s to {scene.duration:.1f} s to fit its "
            f"voiceover ({voice:.1f} s of speech)"
        )
        assert fit_note(scene) == (expected if scene.duration > before else None)
    assert fit_notes(stored), "the slow voice lengthened a scene"
    assert request.captions == tuple(storyboard_captions(stored)), "the video burns in what the VTT serves"
    first = request.captions[0]
    assert first.start == pytest.approx(LEAD_IN_SECONDS)
    assert first.end == pytest.approx(LEAD_IN_SECONDS + stored[0].voiceover.seconds)  # type: ignore[union-attr]


async def test_a_silent_render_leaves_the_planned_lengths_and_no_voiceover(world: MediaWorld) -> None:
    job_id = await render(world, generate_audio=False)

    stored = await world.scenes(job_id)
    assert all(s.voiceover is None for s in stored)
    assert fit_notes(stored) == []
    request = world.renderer.requests[-1]
    assert [s.duration for s in request.scenes] == [
        s.duration for s in sorted(stored, key=lambda s: s.number)
    ]
