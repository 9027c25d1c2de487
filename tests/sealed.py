"""Settings for tests, built from their arguments only (QUALITY.md: no test reads the
developer's environment). ``SealedSettings`` is a ``Settings`` that ignores environment
variables and files, so an exported ``AI_PROVIDER`` or ``TASK_RUNNER`` never changes an app
under test; tests of the environment itself set an explicit mapping (``tests.e2e.test_environment``).
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from entrypoints.settings import Settings


class SealedSettings(Settings):
    """``Settings`` from keyword arguments alone."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)
