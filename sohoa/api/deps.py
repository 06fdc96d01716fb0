"""The request dependencies every route shares: the Reader, the authenticated caller and the
purpose of a read. Their own module so that ``app.py`` and the route modules it installs
(``dossiers.py``) both import them without importing each other."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sohoa.pipeline.lookup import Caller, Reader


# Cheap dependencies are async: a sync one costs a trip through the thread pool per request.
async def get_reader(request: Request) -> Reader:
    return request.app.state.reader  # type: ignore[no-any-return]


# Declared as a bearer scheme, so the OpenAPI document says how to authenticate; a missing or
# wrong header is the Reader's NotAuthenticatedError (401 with our message), not FastAPI's.
BEARER = HTTPBearer(auto_error=False, description="An API token: `sohoa tokens add`")


def get_caller(request: Request, reader: Annotated[Reader, Depends(get_reader)],
               credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
               x_sohoa_channel: Annotated[str | None, Header()] = None) -> Caller:
    token = credentials.credentials if credentials else None
    return reader.authenticate(token, channel="web" if x_sohoa_channel == "web" else "api")


async def get_purpose(purpose: Annotated[str | None, Query(
                    description="Why you are looking: e.g. the dossier code being handled")
                ] = None,
                x_purpose: Annotated[str | None, Header(
                    description="The purpose, as a header (percent-encoded UTF-8 allowed)")
                ] = None) -> str | None:
    if purpose and purpose.strip():
        return purpose
    return unquote(x_purpose) if x_purpose else None


ReaderDep = Annotated[Reader, Depends(get_reader)]
CallerDep = Annotated[Caller, Depends(get_caller)]
PurposeDep = Annotated[str | None, Depends(get_purpose)]
