"""The ``staffing app`` verb: serve the browser app (the ``[app]`` extra) until Ctrl-C."""

import argparse

EXIT_OK = 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Register ``staffing app [--port N] [--no-browser]``."""
    p = verbs.add_parser(
        "app",
        help="the browser app: Erlang calculator, a day's plan and what-ifs, a bid",
        description="Serve the browser app on 127.0.0.1 until interrupted (Ctrl-C): the "
        "Erlang calculator, a day or week with its plan and what-if sliders, and a bid. "
        "Needs the [app] extra: pip install 'staffing[app]'.",
    )
    p.add_argument("--port", type=int, default=8050, metavar="N", help="TCP port (default 8050)")
    p.add_argument("--no-browser", action="store_true", help="do not open the page in a browser")
    p.set_defaults(run=cmd_app)


def cmd_app(args: argparse.Namespace) -> int:
    """Serve the app; returns when the server stops."""
    from staffing.app import serve

    serve(
        args.port,
        open_browser=not args.no_browser,
        started=lambda url: print(f"staffing app: serving on {url} (Ctrl-C to stop)", flush=True),
    )
    return EXIT_OK
