"""The app's web server: a page, its static files, and a JSON API over the library.

Starlette routes each request to one function of :mod:`staffing.app.calculator`,
:mod:`staffing.app.day` or :mod:`staffing.app.bid`; long work (a plan, a bid) runs as a
:class:`~staffing.app.jobs.Job` that the page polls and can cancel. A user's mistake is a
JSON ``{"errors": {field: message}}`` (status 200: the page shows it beside the field) or
``{"error": message}`` (status 400); anything else is one line with status 500, never a
traceback in the page or the server's log.
"""

import contextlib
import json
import math
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from staffing.app import bid as bid_screen
from staffing.app import calculator, day
from staffing.app.jobs import Job
from staffing.errors import InputError

STATIC = Path(__file__).parent / "static"

MAX_UPLOAD = 20 * 1024 * 1024
"""Largest forecast CSV accepted [bytes]: a year of 15-min intervals is about 1 MB."""


def _finite(value: Any) -> Any:
    """Replace NaN and inf by None, all the way down: the page shows None as —."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item"):  # a numpy scalar
        return _finite(value.item())
    return value


class _JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(_finite(content), allow_nan=False).encode("utf-8")


Handler = Callable[[Request], Awaitable[Any]]


def _api(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler: its value as JSON, a user's mistake as 400, a bug as one-line 500."""

    async def endpoint(request: Request) -> Response:
        try:
            value = await handler(request)
        except InputError as error:
            return _JSON({"error": str(error)}, status_code=400)
        except Exception as error:  # a bug: one line, no traceback in the page or the log
            return _JSON({"error": f"internal error: {type(error).__name__}: {error}"}, 500)
        return value if isinstance(value, Response) else _JSON(value)

    return endpoint


KEPT = 20
"""Days and jobs the server keeps; older ones are dropped (a plan holds its simulations)."""


class Workspace:
    """What the server holds between requests: days on screen, jobs, written reports."""

    def __init__(self) -> None:
        self.days: dict[str, day.Day] = {}
        self.jobs: dict[str, Job] = {}
        self.folder = Path(tempfile.mkdtemp(prefix="staffing-app-"))
        self._lock = threading.Lock()
        self._count = 0

    def new_id(self, prefix: str) -> str:
        """Return a fresh identifier (``day3``)."""
        with self._lock:
            self._count += 1
            return f"{prefix}{self._count}"

    def keep(self, kept: dict[str, Any], key: str, value: Any) -> None:
        """Keep ``value`` under ``key``, dropping the oldest entries past :data:`KEPT`."""
        with self._lock:
            kept[key] = value
            while len(kept) > KEPT:
                oldest = next(iter(kept))
                if isinstance(kept[oldest], Job):
                    kept[oldest].cancel()
                shutil.rmtree(self.folder / oldest, ignore_errors=True)
                del kept[oldest]

    def day(self, request: Request) -> day.Day:
        """Return the day named in the request's path."""
        key = request.path_params["day"]
        if key not in self.days:
            raise InputError(f"day {key!r} is not loaded (the server restarted?); load it again")
        return self.days[key]

    def job(self, request: Request) -> Job:
        """Return the job named in the request's path."""
        key = request.path_params["job"]
        if key not in self.jobs:
            raise InputError(f"job {key!r} is unknown (the server restarted?); start it again")
        return self.jobs[key]

    def close(self) -> None:
        """Stop the jobs and remove the written reports."""
        for job in self.jobs.values():
            job.cancel()
        shutil.rmtree(self.folder, ignore_errors=True)


async def _form(request: Request) -> dict[str, str]:
    try:
        data = await request.json()
    except ValueError:
        raise InputError("the request's body is not JSON") from None
    if not isinstance(data, dict):
        raise InputError("the request's body must be a JSON object of field texts")
    return {str(k): str(v) for k, v in data.items()}


def _file(folder: Path, files: dict[str, Path], name: str) -> FileResponse:
    if name not in files:
        raise InputError(f"file {name!r} is not in this report; choose one of {', '.join(files)}")
    path = files[name]
    if path.resolve().parent != folder.resolve():
        raise InputError(f"file {name!r} is not in this report")
    return FileResponse(path, filename=name)


def create_app() -> Starlette:
    """Build the web application (routes, static files, workspace)."""
    space = Workspace()

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    async def calc(request: Request) -> Any:
        return calculator.calculate(await _form(request))

    async def calc_defaults(request: Request) -> Any:
        return calculator.FIELDS

    async def scenarios(request: Request) -> Any:
        found = day.bundled_scenarios()
        return {"scenarios": list(found), "whatif": list(day.WHATIF_KEYS)}

    async def load_day(request: Request) -> Any:
        name = request.query_params.get("scenario", "")
        body = await request.body()
        if len(body) > MAX_UPLOAD:
            raise InputError(f"the uploaded file has {len(body):,} bytes; at most {MAX_UPLOAD:,}")
        upload = None
        if body:
            upload = (request.headers.get("x-filename", "forecast.csv"), body)
        try:
            loaded = await run_in_threadpool(day.load_day, name, upload)
        except InputError as error:
            return {"errors": {"upload" if upload else "scenario": str(error)}}
        key = space.new_id("day")
        space.keep(space.days, key, loaded)
        return {"errors": {}, "day": key, "overview": day.overview(loaded)}

    async def plan(request: Request) -> Any:
        chosen = space.day(request)
        job = Job(lambda progress: day.run_plan(chosen, progress))
        space.keep(space.jobs, job.id, job)
        return job.state()

    async def job_state(request: Request) -> Any:
        return space.job(request).state()

    async def job_cancel(request: Request) -> Any:
        job = space.job(request)
        job.cancel()
        return job.state()

    async def plan_result(request: Request) -> Any:
        return await run_in_threadpool(day.plan_view, space.day(request))

    async def whatif(request: Request) -> Any:
        chosen, form = space.day(request), await _form(request)
        return await run_in_threadpool(day.whatif, chosen, form)

    def day_folder(request: Request) -> tuple[day.Day, Path]:
        return space.day(request), space.folder / request.path_params["day"]

    async def day_files(request: Request) -> Any:
        chosen, folder = day_folder(request)
        return {"files": list(await run_in_threadpool(day.report_files, chosen, folder))}

    async def day_file(request: Request) -> Any:
        chosen, folder = day_folder(request)
        files = await run_in_threadpool(day.report_files, chosen, folder)
        return _file(folder, files, request.path_params["name"])

    async def bid_defaults(request: Request) -> Any:
        loaded = await run_in_threadpool(bid_screen.load)
        return {
            "fields": bid_screen.defaults(loaded),
            "units": bid_screen.BILLING_UNITS,
            "name": loaded.name,
            "options": list(loaded.plan_service_levels),
        }

    async def bid_price(request: Request) -> Any:
        form = await _form(request)
        loaded = await run_in_threadpool(bid_screen.load)
        changed, errors = bid_screen.terms(loaded, form)
        if changed is None:
            return {"errors": errors}
        job = Job(lambda progress: bid_screen.price(changed, progress))
        space.keep(space.jobs, job.id, job)
        return {"errors": {}, **job.state()}

    def bid_result_of(request: Request) -> Any:
        job = space.job(request)
        if job.status != "done":
            raise InputError(f"{job.id} is {job.status}; no priced bid to show")
        return job

    async def bid_result(request: Request) -> Any:
        return bid_screen.view(bid_result_of(request).result)

    async def bid_files(request: Request) -> Any:
        job = bid_result_of(request)
        files = await run_in_threadpool(bid_screen.sheet_files, job.result, space.folder / job.id)
        return {"files": list(files)}

    async def bid_file(request: Request) -> Any:
        job = bid_result_of(request)
        folder = space.folder / job.id
        files = await run_in_threadpool(bid_screen.sheet_files, job.result, folder)
        return _file(folder, files, request.path_params["name"])

    routes = [
        Route("/", index),
        Route("/api/calculator", _api(calc), methods=["POST"]),
        Route("/api/calculator", _api(calc_defaults), methods=["GET"]),
        Route("/api/scenarios", _api(scenarios)),
        Route("/api/day", _api(load_day), methods=["POST"]),
        Route("/api/day/{day}/plan", _api(plan), methods=["POST"]),
        Route("/api/day/{day}/result", _api(plan_result)),
        Route("/api/day/{day}/whatif", _api(whatif), methods=["POST"]),
        Route("/api/day/{day}/files", _api(day_files)),
        Route("/api/day/{day}/files/{name}", _api(day_file)),
        Route("/api/jobs/{job}", _api(job_state)),
        Route("/api/jobs/{job}/cancel", _api(job_cancel), methods=["POST"]),
        Route("/api/bid", _api(bid_defaults)),
        Route("/api/bid", _api(bid_price), methods=["POST"]),
        Route("/api/bid/{job}/result", _api(bid_result)),
        Route("/api/bid/{job}/files", _api(bid_files)),
        Route("/api/bid/{job}/files/{name}", _api(bid_file)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        space.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.workspace = space
    return app
