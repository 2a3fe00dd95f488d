"""The browser app (``staffing app``, the ``[app]`` extra): a thin layer over the library.

Three screens answer "what if" while a client watches: the Erlang calculator (one
interval, Erlang C and A side by side, forwards and backwards), a day or a week (a bundled
scenario or an uploaded forecast, its plan with progress and cancel, what-if sliders on
common random numbers) and a bid (contract terms to price, bill and SLA risk). Every number
comes from the library (:mod:`staffing.erlang`, :mod:`staffing.plan`, :mod:`staffing.whatif`,
:mod:`staffing.pricing`); the files offered for download are those the CLI writes.

The server is Starlette on uvicorn, on 127.0.0.1 only; the charts are uPlot, shipped as a
static file. Both web packages load only when the app starts, and their absence is one
line telling how to install the extra.
"""

import socket
import threading
import webbrowser
from collections.abc import Callable

from staffing.errors import InputError

HOST = "127.0.0.1"
DEFAULT_PORT = 8050


def _check_port(port: int) -> None:
    """Refuse a port out of range or already taken, before starting anything."""
    if not 1 <= port <= 65535:
        raise InputError(f"--port = {port}; give a port from 1 to 65535 (default {DEFAULT_PORT})")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((HOST, port))
        except OSError:
            raise InputError(
                f"--port = {port}: {HOST}:{port} is already in use; give another with --port N"
            ) from None


def serve(
    port: int = DEFAULT_PORT,
    *,
    open_browser: bool = True,
    started: Callable[[str], None] | None = None,
) -> None:
    """Serve the app on 127.0.0.1 until interrupted.

    Parameters
    ----------
    port : int, default 8050
        TCP port (0: any free port).
    open_browser : bool, default True
        Open the app's page in the default browser once the server listens.
    started : callable, optional
        Called with the app's address once the server listens.

    Raises
    ------
    InputError
        The ``[app]`` extra is not installed, or the port is invalid or taken.
    """
    try:
        import uvicorn

        from staffing.app.server import create_app
    except ImportError as error:
        raise InputError(
            f"staffing app needs the [app] extra ({error.name} is missing): "
            "pip install 'staffing[app]'"
        ) from None
    if port != 0:
        _check_port(port)
    config = uvicorn.Config(
        create_app(), host=HOST, port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            threading.Event().wait(0.05)
        bound = server.servers[0].sockets[0].getsockname()[1]
        url = f"http://{HOST}:{bound}/"
        if started is not None:
            started(url)
        if open_browser:
            webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    server.run()
