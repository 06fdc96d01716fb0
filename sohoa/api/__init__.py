"""The HTTP API for integrators and the officers' web page (FastAPI). No logic of its own: every
route authenticates, then calls ``sohoa.pipeline.lookup.Reader``."""

from sohoa.quiet import silence_known_warnings

silence_known_warnings()  # before the app's imports bring pyHanko in

from sohoa.api.app import create_app  # noqa: E402

__all__ = ["create_app"]
