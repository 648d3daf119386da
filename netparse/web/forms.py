"""Reading a form body into memory, within bounds, without ever spooling it to disk.

Starlette's own form parser spools files over 1 MiB to temporary files; uploads here are a
customer's data, so they stay in memory for the request and go when it ends. The body is
counted while it streams in: a request over the limit is refused as soon as it crosses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

try:
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header
except ModuleNotFoundError:  # python-multipart before 0.0.13
    from multipart.exceptions import FormParserError
    from multipart.multipart import MultipartParser, parse_options_header

from starlette.requests import Request

from netparse.web.errors import WebError


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, str, bytes]] = field(default_factory=list)  # (field, file name, data)


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)
    headers: dict[bytes, bytes] = field(default_factory=dict)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"


async def read_form(request: Request, *, max_body: int, max_files: int,
                    max_field: int) -> Form:
    """The form fields and files of `request`: urlencoded or multipart, at most `max_body` bytes
    in all, `max_files` files and `max_field` bytes for a text field."""
    size = request.headers.get("content-length")
    if size is not None and size.isdigit() and int(size) > max_body:
        raise too_large(max_body)
    ctype, options = parse_options_header(request.headers.get("content-type", ""))
    if ctype == b"application/x-www-form-urlencoded":
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                raise too_large(max_body)
        try:
            pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, errors="strict",
                              max_num_fields=64)
        except (UnicodeDecodeError, ValueError):
            raise WebError(400, "the form body is not valid URL-encoded data") from None
        form = Form()
        for name, value in pairs:
            if len(value.encode()) > max_field:
                raise too_large(max_field, f"the field {name!r}")
            form.fields[name] = value
        return form
    if ctype != b"multipart/form-data":
        raise WebError(415, "send the data as multipart/form-data (or URL-encoded text fields)")
    boundary = options.get(b"boundary")
    if not boundary:
        raise WebError(400, "multipart body without a boundary")
    return await _multipart(request, boundary, max_body, max_files, max_field)


def too_large(limit: int, what: str = "the request") -> WebError:
    return WebError(413, f"{what} is larger than the {_mib(limit)} limit of this server")


async def _multipart(request: Request, boundary: bytes, max_body: int, max_files: int,
                     max_field: int) -> Form:
    parts: list[_Part] = []
    header = [b"", b""]
    files = 0

    def on_part_begin() -> None:
        parts.append(_Part())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        parts[-1].headers[header[0].lower()] = header[1]
        header[0] = header[1] = b""

    def on_headers_finished() -> None:
        nonlocal files
        part = parts[-1]
        _, opts = parse_options_header(part.headers.get(b"content-disposition", b""))
        if b"name" not in opts:
            raise WebError(400, "a multipart part has no field name")
        part.name = opts[b"name"].decode("utf-8", "replace")
        if b"filename" in opts:
            part.filename = opts[b"filename"].decode("utf-8", "replace")
            files += 1
            if files > max_files:
                raise WebError(413, f"more than {max_files} files in one request")
        elif len(parts) - files > 64:
            raise WebError(400, "too many form fields")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part = parts[-1]
        part.data += data[start:end]
        if part.filename is None and len(part.data) > max_field:
            raise too_large(max_field, f"the field {part.name!r}")

    total = 0
    try:
        # In the try: the parser refuses a boundary it cannot use (longer than it reads).
        parser = MultipartParser(boundary, {
            "on_part_begin": on_part_begin, "on_part_data": on_part_data,
            "on_header_field": on_header_field, "on_header_value": on_header_value,
            "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
        })
        async for chunk in request.stream():
            total += len(chunk)
            if total > max_body:
                raise too_large(max_body)
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise WebError(400, "the multipart body is damaged") from None
    form = Form()
    for part in parts:
        if part.filename is None:
            try:
                form.fields[part.name] = part.data.decode("utf-8")
            except UnicodeDecodeError:
                raise WebError(400, f"the field {part.name!r} is not UTF-8 text") from None
        elif part.filename or part.data:  # an empty file input sends a nameless empty part
            form.files.append((part.name, part.filename, bytes(part.data)))
    return form
