"""The Jinja2 environment for the report pages: templates are package data, autoescape is on."""

from __future__ import annotations

import contextlib
import threading
from functools import cache
from typing import Any

import jinja2

from errcontract.report.badge import format_pct
from errcontract.report.coverage import coverage_of
from errcontract.report.view import run_verdict_style, verdict_style


@cache
def environment() -> jinja2.Environment:
    """One environment per process: templates under errcontract/report/templates."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("errcontract.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = format_pct
    env.filters["verdict_style"] = verdict_style
    env.filters["run_verdict_style"] = run_verdict_style
    env.filters["seconds"] = format_seconds
    env.globals["coverage_of"] = coverage_of
    return env


def format_seconds(value: Any) -> str:
    """4.2 -> "4.2 s", 125 -> "2 min 5 s"; "–" when the run did not say."""
    if not isinstance(value, int | float):
        return "–"
    if value < 60:
        return f"{value:.1f} s"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min {seconds} s"


def render(template_name: str, **context: Any) -> str:
    return environment().get_template(template_name).render(**context)


PAGES = ("provider.html.j2", "site.html.j2")


def warm_up() -> threading.Thread:
    """Compile the page templates in a background thread (a run does this while its suites run,
    so the pages are rendered at once when they end); `render` works whether it finished or not."""

    env = environment()  # made here, once: the thread fills this environment's cache

    def compile_pages() -> None:
        with contextlib.suppress(Exception):  # a broken template is reported when it is rendered
            for name in PAGES:
                env.get_template(name)

    thread = threading.Thread(target=compile_pages, daemon=True, name="errcontract-templates")
    thread.start()
    return thread
