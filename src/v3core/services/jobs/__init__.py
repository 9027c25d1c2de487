"""Job use cases: create, plan, review (edit/regenerate/approve), render, recover."""

from v3core.services.jobs.actions import ActionResult, ApplyJobAction, JobActionCommand
from v3core.services.jobs.create import CreateJob, CreateJobCommand, EstimateJobCost, JobView
from v3core.services.jobs.events import FollowJobEvents, JobHistory, WaitForStoryboard
from v3core.services.jobs.media import MediaGenerators, SceneMedia
from v3core.services.jobs.media_stage import MediaStage, SceneMediaFailed
from v3core.services.jobs.planning import PlanStoryboard
from v3core.services.jobs.ports import GeneratedMediaStore, UrlAssetImporter, UrlImport, VideoArchive
from v3core.services.jobs.queries import GetJob, JobFilters, ListJobAssets, ListJobs
from v3core.services.jobs.recovery import ResumeUnfinishedJobs
from v3core.services.jobs.rendering import RenderVideo
from v3core.services.jobs.scenes import (
    DeleteScene,
    EditScene,
    EditSceneCommand,
    ListScenes,
    RegenerateScene,
    RegenerateSceneCommand,
)
from v3core.services.jobs.sound_stage import SoundStage
from v3core.services.jobs.worker import RunJobTask

__all__ = [
    "ActionResult",
    "ApplyJobAction",
    "CreateJob",
    "CreateJobCommand",
    "DeleteScene",
    "EditScene",
    "EditSceneCommand",
    "EstimateJobCost",
    "FollowJobEvents",
    "GeneratedMediaStore",
    "GetJob",
    "JobActionCommand",
    "JobFilters",
    "JobHistory",
    "JobView",
    "ListJobAssets",
    "ListJobs",
    "ListScenes",
    "MediaGenerators",
    "MediaStage",
    "PlanStoryboard",
    "RegenerateScene",
    "RegenerateSceneCommand",
    "RenderVideo",
    "ResumeUnfinishedJobs",
    "RunJobTask",
    "SceneMedia",
    "SceneMediaFailed",
    "SoundStage",
    "UrlAssetImporter",
    "UrlImport",
    "VideoArchive",
    "WaitForStoryboard",
]
