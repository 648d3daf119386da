"""The web page and the HTTP API: a thin shell over the library.

    netparse serve          # uvicorn with the connection bounds of netparse.web.server

(`uvicorn "netparse.web:create_app" --factory` serves the same app without those bounds.)

Routes: `GET /` the page; `POST /` the page with the results of a paste or an upload (and,
for a dump with containers, who reaches whom, and the path asked for in the form);
`GET /diff` and `POST /diff` the page comparing two dumps (`netparse diff`);
`POST /api/parse`, `/api/analyze`, `/api/reach`, `/api/trace` and `/api/diff` for other tools;
`GET /docs` and `/openapi.json`.
Nothing a user sends is written to disk or logged: forms are read into memory
(`netparse.web.forms`), handled in a worker process (`netparse.web.pool`; the jobs are in
`netparse.web.work` and `netparse.web.pages`) and dropped with the request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from netparse import __version__
from netparse.analysis.model import Report
from netparse.errors import NetparseError
from netparse.web import pages, work
from netparse.web.diffview import DiffForm
from netparse.web.errors import WebError
from netparse.web.forms import Form, read_form
from netparse.web.paths import Options, port_of
from netparse.web.pool import Pool

log = logging.getLogger("netparse.web")

MiB = 1024 * 1024

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


@dataclass
class Settings:
    """Bounds of the server; the library's own (`netparse.sources.limits`) apply as well."""

    max_body: int = 64 * MiB        # one request, all files together
    max_files: int = 2000           # files in one request
    max_text: int = 16 * MiB        # pasted text
    body_timeout: float = 120.0     # seconds to receive a request body
    work_timeout: float = 60.0      # seconds to parse and analyse, waiting for a worker included
    workers: int = 2                # processes parsing requests under large_input
    large_input: int = 4 * MiB      # from this size, one process at a lower CPU priority
    worker_init: Callable | None = None  # run once in each worker process (a test's patches)
    head_timeout: float = 5.0       # seconds to receive a request's line and headers
    max_connections: int = 200      # connections open at once
    max_per_client: int = 16        # connections open at once from one address


class _Guard:
    """Outermost layer: security headers on every response, and no traceback ever leaves,
    nor is one logged (its message might quote the input)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            log.error("internal error: %s on %s %s", type(exc).__name__, scope.get("method"),
                      scope.get("path"))
            if not started:
                body = b'{"status": 500, "error": "internal error"}'
                await send_with_headers({"type": "http.response.start", "status": 500, "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})


_FORM_BODY = {
    "multipart/form-data": {"schema": {
        "type": "object",
        "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                      "description": "The dump: several files whose names keep the dump's layout "
                                     "(`containers/web1/ip_addr.txt`), or one archive (.tar.gz, "
                                     ".tar.xz, .zip), or one terminal transcript"},
            "kind": {"type": "string", "description": "The command, when there is one capture "
                                                      "(see `netparse kinds`); detected if left out"},
        },
        "required": ["files"],
    }},
}
# /api/analyze also takes the host to analyse of a paste that holds several.
_ANALYZE_BODY = {"multipart/form-data": {"schema": {
    **_FORM_BODY["multipart/form-data"]["schema"],
    "properties": {**_FORM_BODY["multipart/form-data"]["schema"]["properties"],
                   "host": {"type": "string",
                            "description": "Of a paste that holds several hosts, the one to "
                                           "analyse (without it, such a paste is refused, "
                                           "naming them)"}}}}}
_TEXT_BODY = {
    "application/x-www-form-urlencoded": {"schema": {
        "type": "object",
        "properties": {
            "text": {"type": "string", "description": "The output of one command"},
            "kind": {"type": "string", "description": "The command (see `netparse kinds`); "
                                                      "detected from the content if left out"},
        },
        "required": ["text"],
    }},
}
_TEXT_BODY["multipart/form-data"] = _TEXT_BODY["application/x-www-form-urlencoded"]
_ERRORS = {
    400: {"description": "Bad request: a missing field, an unknown kind"},
    408: {"description": "The request's head or body did not arrive in time"},
    413: {"description": "Over a size limit: the body, a file, an archive member, or an archive "
                         "that expands too much"},
    415: {"description": "Not a form"},
    422: {"description": "Input that cannot be read: not command output, a damaged archive; "
                         "`line` tells where when it can"},
    503: {"description": "The work took too long, or the server has too many connections "
                         "(from this address, or in all)"},
}
_ERROR_SCHEMA = {"application/json": {"schema": {
    "type": "object", "required": ["status", "error"],
    "properties": {"status": {"type": "integer"}, "error": {"type": "string"},
                   "line": {"type": "integer"},
                   "candidates": {"type": "array", "items": {"type": "string"}}}}}}


def _error_responses() -> dict:
    return {code: {**spec, "content": _ERROR_SCHEMA} for code, spec in _ERRORS.items()}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    pool = Pool(settings.workers, settings.work_timeout, settings.large_input,
                settings.worker_init)

    @asynccontextmanager
    async def lifespan(_app):
        pool.start()
        yield
        pool.close()

    app = FastAPI(title="netparse", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  description="Offline analyzer for the network of a Docker host: parse captured "
                              "command output, and analyse a whole dump into the JSON report of "
                              "`netparse analyze --format json`.")
    app.mount("/static", StaticFiles(packages=[("netparse.web", "static")]), name="static")
    app.state.settings = settings
    app.add_middleware(_Guard)

    async def form_of(request: Request) -> Form:
        try:
            async with asyncio.timeout(settings.body_timeout):
                return await read_form(request, max_body=settings.max_body,
                                       max_files=settings.max_files, max_field=settings.max_text)
        except TimeoutError:
            raise WebError(408, f"the request body did not arrive within "
                           f"{settings.body_timeout:g} s") from None

    def uploads(form: Form) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for _, name, data in form.files:
            name = name or "upload"
            if name in found:
                raise WebError(400, f"two files are named {name!r}")
            found[name] = data
        return found

    async def dump_form(request: Request) -> tuple[Form, dict[str, bytes]]:
        """The form of a request that sends a dump, and its files; 400 without one."""
        form = await form_of(request)
        files = uploads(form)
        if not files:
            raise WebError(400, "no file in the form field 'files'")
        return form, files

    async def json_of(request: Request, job, files: dict[str, bytes], *args) -> Response:
        """The JSON a worker makes of the dump, as the CLI prints it."""
        body = await pool.run(job, files, *args, client=client(request),
                              size=sum(map(len, files.values())))
        return Response(body, media_type="application/json")

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    def page(status: int = 200, html: str | None = None, **context) -> HTMLResponse:
        return HTMLResponse(pages.index(**context) if html is None else html,
                            status_code=status, headers={"cache-control": "no-store"})

    def client(request: Request) -> str:
        return request.client.host if request.client else ""

    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError):
        if is_api(request):
            return JSONResponse(exc.body(), status_code=exc.status)
        return page(exc.status, error=exc)

    @app.exception_handler(NetparseError)
    async def netparse_error(request: Request, exc: NetparseError):
        return await web_error(request, WebError(400, str(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return await web_error(request, WebError(exc.status_code, str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return await web_error(request, WebError(400, "bad request"))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request):
        return page()

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def index_post(request: Request):
        form = await form_of(request)
        text = form.fields.get("text", "")
        kind = form.fields.get("kind", "")
        host = form.fields.get("host", "").strip()
        options = Options.of(form.fields)
        files = uploads(form)
        size = len(text) + sum(map(len, files.values()))
        try:
            # The page is made in the worker too: it can be as large as the upload.
            status, html = await pool.run(pages.results, files, text, kind, options, host,
                                          client=client(request), size=size)
        except WebError as exc:
            return page(exc.status, error=exc, text=text, kind=kind, options=options, host=host)
        return page(status, html)

    @app.post("/api/parse", summary="Parse one capture",
              description="The output of one command → its model as JSON, as `netparse parse` "
                          "prints it. Lines the parser did not understand are in `unparsed` with "
                          "their line numbers.",
              responses={200: {"description": "The model (`netparse schema KIND`)",
                               "content": {"application/json": {"schema": {"type": "object"}}}},
                         **_error_responses()},
              openapi_extra={"requestBody": {"required": True, "content": _TEXT_BODY}})
    async def api_parse(request: Request):
        form = await form_of(request)
        # `curl -F text=@file` sends the text as a file part.
        text = form.fields.get("text", next((d for f, _, d in form.files if f == "text"), None))
        if text is None:
            raise WebError(400, "the form field 'text' is missing")
        body = await pool.run(work.parse_json, text, form.fields.get("kind"),
                              client=client(request), size=len(text))
        return Response(body, media_type="application/json")

    @app.post("/api/analyze", summary="Analyse a dump", response_model=Report,
              response_description="The report (`netparse schema report`)",
              description="A dump (files, one archive, or one transcript) → the JSON report of "
                          "`netparse analyze --format json` on the same dump.",
              responses=_error_responses(),
              openapi_extra={"requestBody": {"required": True, "content": _ANALYZE_BODY}})
    async def api_analyze(request: Request):
        form, files = await dump_form(request)
        return await json_of(request, work.analyze_json, files, form.fields.get("kind") or None,
                             form.fields.get("host") or None)

    @app.post("/api/reach", summary="Who reaches whom on the host, and where it breaks",
              response_description="The paths (`netparse schema reach`)",
              description="A dump, and the form fields `to` (addresses, separated by spaces or "
                          "commas) and `client` "
                          "(an outside address) → the JSON of `netparse reach --format json` on "
                          "the same dump.",
              responses=_error_responses(),
              openapi_extra={"requestBody": {"required": True, "content": _FORM_BODY}})
    async def api_reach(request: Request):
        form, files = await dump_form(request)
        to = (form.fields.get("to") or "").replace(",", " ").split()
        return await json_of(request, work.reach_json, files, to,
                             form.fields.get("client") or None)

    @app.post("/api/trace", summary="One path, hop by hop",
              response_description="The path (`netparse schema reach`, one of its paths)",
              description="A dump, and the form fields `from` (a container or an outside "
                          "address), `to` (a container or an address) and `port` → the JSON of "
                          "`netparse trace --format json`.",
              responses=_error_responses(),
              openapi_extra={"requestBody": {"required": True, "content": _FORM_BODY}})
    async def api_trace(request: Request):
        form, files = await dump_form(request)
        source, target = form.fields.get("from"), form.fields.get("to")
        if not source or not target:
            raise WebError(400, "give 'from' and 'to'")
        port = form.fields.get("port")
        number = port_of(port) if port else None
        if port and number is None:
            raise WebError(400, f"port {port!r} is not a port number (1 to 65535)")
        return await json_of(request, work.trace_json, files, source, target, number)

    @app.post("/api/diff", summary="What changed between two dumps, and what it broke",
              response_description="The changes (`netparse schema diff`)",
              description="Two dumps, in the multipart fields `before` and `after` (files, one "
                          "archive, or one transcript each), and the fields `to` and `client` "
                          "as for /api/reach → the JSON of `netparse diff --format json`.",
              responses=_error_responses(),
              openapi_extra={"requestBody": {"required": True, "content": _FORM_BODY}})
    async def api_diff(request: Request):
        form = await form_of(request)
        sides = {"before": {}, "after": {}}
        for field, name, data in form.files:
            if field in sides:
                sides[field][name or "upload"] = data
        if not sides["before"] or not sides["after"]:
            raise WebError(400, "send a dump in each of the form fields 'before' and 'after'")
        to = (form.fields.get("to") or "").replace(",", " ").split()
        body = await pool.run(work.diff_json, sides["before"], sides["after"], to,
                              form.fields.get("client") or None, client=client(request),
                              size=sum(len(d) for f in sides.values() for d in f.values()))
        return Response(body, media_type="application/json")

    @app.get("/diff", response_class=HTMLResponse, include_in_schema=False)
    async def diff_page(request: Request):
        return page(html=pages.diff_page())

    @app.post("/diff", response_class=HTMLResponse, include_in_schema=False)
    async def diff_post(request: Request):
        form = None
        try:
            sent = await form_of(request)
            form = DiffForm.of(sent.fields, sent.files)
            status, html = await pool.run(pages.diff_results, form, client=client(request),
                                          size=form.size)
        except WebError as exc:
            return page(exc.status, pages.diff_page(error=exc, form=form and form.for_page()))
        return page(status, html)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request):
        return HTMLResponse(pages.render("docs.html", spec=app.openapi(),
                                         operations=_operations(app)))

    return app


def _operations(app: FastAPI) -> list[dict]:
    """The API's operations, read back from its OpenAPI document, for the docs page."""
    spec = app.openapi()
    out = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {})
            media = next(iter(body), None)
            schema = body[media]["schema"] if media else {}
            fields = [{"name": name, "type": prop.get("type", ""),
                       "many": prop.get("type") == "array",
                       "required": name in schema.get("required", []),
                       "description": prop.get("description", "")}
                      for name, prop in schema.get("properties", {}).items()]
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "media": list(body),
                        "fields": fields,
                        "responses": [(code, r.get("description", ""))
                                      for code, r in op.get("responses", {}).items()]})
    return out
