"""The HTTP API for integrators and the officers' web page (FastAPI). No logic of its own: every
route authenticates, then calls ``sohoa.pipeline.lookup.Reader``."""

from sohoa.api.app import create_app

__all__ = ["create_app"]
