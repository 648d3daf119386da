"""`netparse serve`: a page to paste or upload captures, and an HTTP API for other tools.

    >>> from netparse.web import create_app
    >>> app = create_app()          # a FastAPI application; see netparse.web.app

A thin shell over the library: sources → parsers → snapshot → analysis → render, as the command
line runs them. Needs the `web` extra (`pip install 'netparse[web]'`).
"""

from __future__ import annotations

__all__ = ["Settings", "create_app", "serve"]


def create_app(settings=None):
    from netparse.web.app import create_app as _create

    return _create(settings)


def __getattr__(name):
    if name == "Settings":
        from netparse.web.app import Settings

        return Settings
    raise AttributeError(name)


def serve(host: str = "127.0.0.1", port: int = 8000, settings=None) -> None:
    """Run the server until interrupted."""
    import uvicorn

    from netparse.web.server import config

    uvicorn.Server(config(settings, host, port)).run()
