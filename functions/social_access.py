"""What every Lambda needs of the social platforms: a connector per platform, built the same way.

Live: credentials from Secrets Manager (cached by Powertools), one connector per platform, rebuilt
after the secret's cache age so a rotated token is picked up without a cold start. A configured
connector source (SOCIAL_CONNECTOR_SOURCE, `module:function`) answers instead: that is how local
runs put their stand-ins in. Platforms we have no API for (pushed by listening tools) get None:
nothing can be sent, so the outreach alerts people.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable

from infra.settings import SocialAccessSettings
from integrations.social.connector import SocialConnector
from policies.social import SocialPolicy

CONNECTOR_MAX_AGE_SECONDS = 300.0


class SocialConnectors:
    def __init__(
        self,
        settings: SocialAccessSettings,
        policy: SocialPolicy,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._policy = policy
        self._clock = clock
        self._built: dict[str, tuple[float, SocialConnector]] = {}
        self._source = _source(settings.social_connector_source)

    def __call__(self, platform: str) -> SocialConnector | None:
        if self._source is not None:
            return self._source(platform)
        from integrations.social.registry import API_PLATFORMS

        if platform not in API_PLATFORMS:
            return None
        now = self._clock()
        cached = self._built.get(platform)
        if cached is None or now - cached[0] > CONNECTOR_MAX_AGE_SECONDS:
            cached = (now, self._build(platform))
            self._built[platform] = cached
        return cached[1]

    def require(self, platform: str) -> SocialConnector:
        """The connector of a platform a monitor reads; a clear error when there is none."""
        connector = self(platform)
        if connector is None:
            raise ValueError(f"no social connector for platform {platform!r}")
        return connector

    def _build(self, platform: str) -> SocialConnector:
        from integrations.social.credentials import credentials_from_secret
        from integrations.social.registry import build_connector

        assert self._settings.social_secret_name is not None  # SocialAccessSettings checks it when live
        credentials = credentials_from_secret(self._settings.social_secret_name)
        options: dict[str, object] = {}
        window = self._policy.platform(platform).fan_service_reply_within_hours
        if platform == "weibo" and window is not None:
            options["fan_service_window_hours"] = window
        return build_connector(platform, credentials, **options)


def _source(reference: str | None) -> Callable[[str], SocialConnector | None] | None:
    """The connector source named `module:function`, or None for the platforms' APIs."""
    if reference is None:
        return None
    module_name, _, name = reference.partition(":")
    source = getattr(importlib.import_module(module_name), name, None)
    if not callable(source):
        raise ValueError(f"SOCIAL_CONNECTOR_SOURCE {reference!r}: {name} is not a function of {module_name}")
    return source
