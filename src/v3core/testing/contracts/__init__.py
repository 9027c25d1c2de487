"""Contract suites of the ports as pytest base classes, for anyone who writes an adapter.

Subclass one in a test module and supply the fixture it names; you get the whole suite::

    from v3core.testing.contracts import BlobStoreContract

    class TestMyBlobStore(BlobStoreContract):
        @pytest.fixture
        def blob_store(self) -> BlobStore:
            return MyBlobStore()

Expected values come from SPEC and the ports' docstrings, never from an adapter. The suites
need ``pytest`` and ``pytest-asyncio`` (the ``testing`` extra); their async tests are marked
``asyncio`` so they run under pytest-asyncio's strict mode as well as its auto mode.

| class | fixture to supply |
| --- | --- |
| ``StorageContract`` (and its parts) | ``uow_factory``: a ``UnitOfWorkFactory`` |
| ``BlobStoreContract`` | ``blob_store``: a ``BlobStore`` |
| ``PlannerContract`` | ``planner``: a ``ScenePlanner`` |
| ``RendererContract`` | ``renderer`` and ``renderer_blobs`` (the ``BlobStore`` it reads) |
| ``ImageGeneratorContract``, ``VideoGeneratorContract`` | ``image_generator``, ``video_generator`` |
| ``SpeechSynthesizerContract``, ``MusicGeneratorContract`` | ``speech_synthesizer``, ``music_generator`` |
| ``TaskRunnerContract`` | ``task_runner_with``: handler → async context manager of a ``TaskRunner`` |
| ``WorkflowContract`` | ``make_workflow_kit``: async callable → a fresh ``WorkflowKit`` |
"""

from __future__ import annotations

from v3core.testing.contracts.blobs import BlobStoreContract
from v3core.testing.contracts.media import (
    ImageGeneratorContract,
    MusicGeneratorContract,
    SpeechSynthesizerContract,
    VideoGeneratorContract,
)
from v3core.testing.contracts.planner import PlannerContract
from v3core.testing.contracts.renderer import RendererContract
from v3core.testing.contracts.storage import (
    GeneratedMediaStorageContract,
    JobStorageContract,
    ListStorageContract,
    ReferenceStorageContract,
    SceneStorageContract,
    StorageContract,
    StorageModelContract,
    TransactionStorageContract,
)
from v3core.testing.contracts.tasks import TaskRunnerContract
from v3core.testing.contracts.workflow import WorkflowContract

__all__ = [
    "BlobStoreContract",
    "GeneratedMediaStorageContract",
    "ImageGeneratorContract",
    "JobStorageContract",
    "ListStorageContract",
    "MusicGeneratorContract",
    "PlannerContract",
    "ReferenceStorageContract",
    "RendererContract",
    "SceneStorageContract",
    "SpeechSynthesizerContract",
    "StorageContract",
    "StorageModelContract",
    "TaskRunnerContract",
    "TransactionStorageContract",
    "VideoGeneratorContract",
    "WorkflowContract",
]
