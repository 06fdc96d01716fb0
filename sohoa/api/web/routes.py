"""The web workplace's routes: sign in, sign out, and the pages of each desk role.

Every page resolves the session to a caller through the archive's tokens (so roles, units and
revocation are the API's), calls the same ``Reader`` the API calls, and renders HTML. Writes are
POST forms carrying the session's CSRF token."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sohoa.api.errors import status_of
from sohoa.api.web import archivist, manager, officer, operator, reviewer
from sohoa.api.web.html import csrf_field, error_box, field, layout, notice
from sohoa.api.web.messages import message_for
from sohoa.api.web.sessions import COOKIE, Session, Sessions, csrf_ok
from sohoa.errors import SohoaError
from sohoa.pipeline.dossierdesk import Desk as DossierDesk
from sohoa.pipeline.lookup import Caller, NotAuthenticatedError, Reader
from sohoa.pipeline.settings import Settings, load_settings

LOG = logging.getLogger(__name__)
BUG = "Đã xảy ra lỗi ngoài dự kiến; hãy báo quản trị hệ thống (chi tiết đã ghi ở máy chủ)."
STATIC = Path(__file__).with_name("static")
LOGIN_COOKIE = "sohoa_login"
HOME = {"officer": "/web/search", "desk": "/web/dossiers", "archivist": "/web/disposal",
        "admin": "/web/search"}  # an integrator (a system, not a person) gets the search page
SECURITY_HEADERS = {
    # No page needs anything from another host; the browser refuses it even if a value slipped
    # into a page.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Desk:
    """What a page handler gets: the reader, the session and its caller."""

    def __init__(self, request: Request, reader: Reader, session: Session, caller: Caller):
        self.request = request
        self.reader = reader
        self.session = session
        self.caller = caller

    def page(self, title: str, body: str, *, here: str = "", status: int = 200) -> HTMLResponse:
        return html_response(layout(title, body, caller=self.caller, csrf=self.session.csrf,
                                    here=here), status)

    def arg(self, name: str) -> str:
        return (self.request.query_params.get(name) or "").strip()

    @property
    def settings(self) -> Settings:
        return settings_of(self.request)

    @property
    def dossiers(self) -> DossierDesk:
        """The dossier desk of the API's dossier routes, over the same open archive."""
        return DossierDesk(self.reader.archive, self.settings)


def settings_of(request: Request) -> Settings:
    """The app's settings; an app made over a Reader alone reads them from the environment,
    as the API's dossier routes do."""
    settings = getattr(request.app.state, "settings", None)
    return settings if settings is not None else load_settings()


def html_response(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=SECURITY_HEADERS)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def sessions_of(request: Request) -> Sessions:
    """The app's sessions, over the catalog the app reads (made on first use: an app made
    over a Reader gets its archive only then)."""
    sessions = getattr(request.app.state, "web_sessions", None)
    if sessions is None:
        sessions = request.app.state.web_sessions = Sessions(request.app.state.reader.archive)
    return sessions


def _desk(request: Request) -> Desk | None:
    """The signed-in person of this request; None without a live session (unknown, expired,
    signed out, or its token revoked: the catalog resolves all four)."""
    reader: Reader = request.app.state.reader
    session = sessions_of(request).get(request.cookies.get(COOKIE))
    if session is None:
        return None
    return Desk(request, reader, session, session.caller)


def _to_login(message: str | None = None) -> RedirectResponse:
    target = "/web/login" + ("?m=" + message if message else "")
    return RedirectResponse(target, status_code=303)


def _failure(desk: Desk, exc: SohoaError, title: str) -> Response:
    if isinstance(exc, NotAuthenticatedError):
        return _to_login("het-phien")
    status, _ = status_of(exc)
    return desk.page(title, error_box(message_for(exc)), status=status)


async def form_of(request: Request) -> dict[str, str]:
    """An url-encoded form (the only kind these pages send), last value of each name."""
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[-1].strip() for k, v in parse_qs(body, keep_blank_values=True).items()}


PageFn = Callable[[Desk], Response]
WriteFn = Callable[[Desk, dict[str, str]], Response]


def install(app: FastAPI) -> None:
    app.state.web_sessions = None  # made over the app's archive on the first request

    def view(path: str, title: str) -> Callable[[PageFn], PageFn]:
        """A GET page that needs a signed-in person; SohoaError becomes a Vietnamese page."""
        def wrap(fn: PageFn) -> PageFn:
            def handler(request: Request) -> Response:
                desk = _desk(request)
                if desk is None:
                    return _to_login()
                try:
                    return fn(desk)
                except SohoaError as exc:
                    return _failure(desk, exc, title)
                except Exception:  # a bug: logged in full, the person gets Vietnamese
                    LOG.exception("web page %s failed", request.url.path)
                    return desk.page(title, error_box(BUG), status=500)
            handler.__name__ = fn.__name__
            app.get(path, include_in_schema=False)(handler)
            return fn
        return wrap

    def write(path: str, title: str) -> Callable[[WriteFn], WriteFn]:
        """A POST that changes something: session and CSRF token first, then the work."""
        def wrap(fn: WriteFn) -> WriteFn:
            async def handler(request: Request) -> Response:
                form = await form_of(request)
                desk = await run_in_threadpool(_desk, request)
                if desk is None:
                    return _to_login()
                if not csrf_ok(desk.session, form.get("csrf")):
                    return desk.page(title, error_box(
                        "Biểu mẫu đã hết hạn hoặc không phải do trang này gửi; hãy mở lại trang "
                        "và thử lại."), status=403)
                try:
                    return await run_in_threadpool(fn, desk, form)
                except SohoaError as exc:
                    return _failure(desk, exc, title)
                except Exception:  # a bug: logged in full, the person gets Vietnamese
                    LOG.exception("web form %s failed", request.url.path)
                    return desk.page(title, error_box(BUG), status=500)
            handler.__name__ = fn.__name__
            app.post(path, include_in_schema=False)(handler)
            return fn
        return wrap

    @app.get("/web/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        path = STATIC / name
        if "/" in name or not path.is_file():
            return html_response(layout("Không tìm thấy", error_box("Không có tệp này.")), 404)
        return FileResponse(path, headers={"Cache-Control": "max-age=3600",
                                           "X-Content-Type-Options": "nosniff"})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        # asked for by every browser whatever the page says: one 404 in the console per page
        return FileResponse(STATIC / "favicon.png", media_type="image/png",
                            headers={"Cache-Control": "max-age=86400"})

    @app.get("/web/", include_in_schema=False)
    @app.get("/web", include_in_schema=False)
    def home(request: Request) -> Response:
        desk = _desk(request)
        if desk is None:
            return _to_login()
        return RedirectResponse(HOME.get(desk.caller.role, "/web/search"), status_code=303)

    @app.get("/web/login", include_in_schema=False)
    def login_page(request: Request) -> Response:
        said = {"het-phien": ("error", "Phiên làm việc đã hết hoặc mã truy cập đã bị thu hồi. "
                                       "Hãy đăng nhập lại."),
                "da-dang-xuat": ("notice", "Đã đăng xuất.")}.get(
                    request.query_params.get("m") or "", ("", ""))
        return _login_form(said[1] if said[0] == "error" else None,
                           said[1] if said[0] == "notice" else None)

    @app.post("/web/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await form_of(request)
        # Login CSRF: the form carries the value of a cookie set with it (double submit).
        if not form.get("csrf") or form.get("csrf") != request.cookies.get(LOGIN_COOKIE):
            return _login_form("Biểu mẫu đăng nhập đã hết hạn; hãy thử lại.", status=403)
        token = form.get("token", "")
        if not token:
            return _login_form("Hãy nhập mã truy cập do quản trị hệ thống cấp.", status=400)
        try:
            session = await run_in_threadpool(sessions_of(request).create, token)
        except NotAuthenticatedError:
            return _login_form("Mã truy cập không đúng hoặc đã bị thu hồi.", status=401)
        response = RedirectResponse("/web/", status_code=303)
        response.set_cookie(COOKIE, session.sid, httponly=True, samesite="strict",
                            secure=_secure(request), path="/")
        response.delete_cookie(LOGIN_COOKIE, path="/web/login")
        return response

    @write("/web/logout", "Đăng xuất")
    def logout(desk: Desk, form: dict[str, str]) -> Response:
        sessions_of(desk.request).end(desk.session.sid)
        response = _to_login("da-dang-xuat")
        response.delete_cookie(COOKIE, path="/")
        return response

    officer.install(view, write)
    reviewer.install(view, write)
    archivist.install(view, write)
    operator.install(view, write)
    manager.install(view, write)

    @app.get("/web/{rest:path}", include_in_schema=False)
    def missing(rest: str) -> Response:
        return html_response(layout("Không tìm thấy", error_box(
            "Không có trang này. ") + '<p><a href="/web/">Về trang đầu</a></p>'), 404)


def _login_form(error: str | None = None, info: str | None = None, *,
                status: int = 200) -> Response:
    csrf = secrets.token_urlsafe(24)
    body = f"""{error_box(error)}{notice(info)}
<form method="post" action="/web/login" class="card narrow">
{csrf_field(csrf)}
{field("Mã truy cập", "token", kind="password",
       extra='autocomplete="off" autofocus required placeholder="sohoa_…"')}
<p class="hint">Mã do quản trị hệ thống cấp (lệnh <code>sohoa tokens add</code>); mã chỉ được
giữ ở máy chủ, trình duyệt chỉ giữ phiên làm việc.</p>
<button type="submit">Đăng nhập</button>
</form>"""
    response = html_response(layout("Đăng nhập", body), status)
    response.set_cookie(LOGIN_COOKIE, csrf, httponly=True, samesite="strict", path="/web/login")
    return response
