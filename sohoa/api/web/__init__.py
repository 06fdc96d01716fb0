"""The web workplace: server-rendered pages for every desk role over the same pipeline calls
as the CLI and the API. A face: it signs people in, reads forms, calls ``sohoa.pipeline`` and
renders what comes back; the rules live in the pipeline and the archive."""

from sohoa.api.web.routes import install

__all__ = ["install"]
