"""Taking an uploaded export: a size limit enforced before the body is read, and a
private copy on disk that the import reads and then deletes.

The limit is checked twice: against the declared ``Content-Length`` before anything is
read (a browser always declares it), and against the bytes actually received (a client
may not declare it, or lie). Both answer 413 with a message that says what to do, before
the CSRF check and before the multipart parser spools the file.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path, PureWindowsPath
from typing import IO, Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.routing import APIRoute
from starlette.responses import Response
from starlette.types import Message, Receive

__all__ = [
    "UPLOAD_LIMIT_BYTES",
    "LimitedUploadRoute",
    "discard_upload",
    "safe_file_name",
    "save_upload",
    "upload_limit",
]

#: The largest request an upload may be: room for years of posts, mail or ratings. Archives
#: that carry their media can be larger; ``goodwill import PATH`` reads those from disk.
UPLOAD_LIMIT_BYTES = 512 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NAME_CHARS = 120
_COPY_CHUNK = 1 << 20
_held: set[Path] = set()  # upload folders not yet discarded
_held_lock = threading.Lock()


def upload_limit(app: FastAPI) -> int:
    """The app's upload limit in bytes: ``app.state.upload_limit_bytes`` when set, else
    :data:`UPLOAD_LIMIT_BYTES`."""
    limit = getattr(app.state, "upload_limit_bytes", UPLOAD_LIMIT_BYTES)
    return int(limit)


def _too_large(limit: int) -> HTTPException:
    size = f"{limit / 1024 / 1024:,.0f} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return HTTPException(
        status_code=413,
        detail=f"the upload is larger than {size}, the most this server takes in one request; "
        "import the file with the command line instead: goodwill import PATH",
    )


def _counting(receive: Receive, limit: int) -> Receive:
    """``receive`` that refuses the request once its body passes ``limit`` bytes."""
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _too_large(limit)
        return message

    return limited


class LimitedUploadRoute(APIRoute):
    """A route whose request body may not pass the app's :func:`upload_limit`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            limit = upload_limit(request.app)
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _too_large(limit)
            return await handler(Request(request.scope, _counting(request.receive, limit)))

        return limited


def safe_file_name(name: str | None) -> str:
    """The last part of an uploaded file's name, in characters safe in any path; its
    extension is kept, since telling a file's source can depend on it.

    >>> safe_file_name("C:\\\\exports\\\\my archive (1).zip")
    'my_archive_1_.zip'
    >>> safe_file_name("../../etc/passwd")
    'passwd'
    >>> safe_file_name("..")
    'upload'
    """
    base = PureWindowsPath(name or "").name  # splits on both / and \\
    cleaned = _UNSAFE.sub("_", base)[-_NAME_CHARS:].strip("._")  # the end holds the extension
    return cleaned or "upload"


def save_upload(stream: IO[bytes], name: str) -> Path:
    """Copy an upload to a new private folder (mode 0700, the file 0600) under the system's
    temporary folder; its path. :func:`discard_upload` removes it, and so does the exit of
    the process if nothing did before (a server stopped in the middle of an import)."""
    folder = Path(tempfile.mkdtemp(prefix="goodwill-upload-"))
    path = folder / safe_file_name(name)
    with _held_lock:
        _held.add(folder)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            shutil.copyfileobj(stream, out, _COPY_CHUNK)
    except BaseException:
        discard_upload(path)
        raise
    return path


def discard_upload(path: Path) -> None:
    """Delete a saved upload and its private folder (rejected-record files included)."""
    with _held_lock:
        _held.discard(path.parent)
    shutil.rmtree(path.parent, ignore_errors=True)


@atexit.register
def _discard_held() -> None:
    """At exit, the folders of imports still running: their threads stop with the process
    (their transactions never commit), and what users uploaded must not stay behind."""
    with _held_lock:
        folders = list(_held)
        _held.clear()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
