"""The workshop report as one self-contained HTML page.

Vocabulary:
- *self-contained*: the page needs nothing beyond itself: styles are inline, charts are
  inline SVG, there is no script, and a Content-Security-Policy (:data:`CSP`) forbids
  every remote load, so opening it offline (or from an e-mail) shows everything and
  fetches nothing.
- *template*: ``templates/report.html``, rendered by jinja2 with autoescaping on, so
  every string from the view (respondent text, labels) is escaped. The one piece of
  markup that is not escaped is each chart's SVG, which :meth:`Chart.inline_svg` has
  checked for active content.
- *finalize*: every value the template prints passes :func:`_shown` first, so a control
  character from a file (an ESC, a BEL, a C1 CSI) reaches the page as a visible stand-in,
  never raw; autoescaping alone would keep it.

- *precompiled template*: ``templates/report.html.compiled``, the Python code jinja2
  compiles ``report.html`` into, kept beside it (written by
  ``tools/compile_report_template.py``) because compiling the template takes a tenth of a
  second every run. Its first line is the *key* of what it was compiled from (the
  template's text, the jinja2 version and the environment's options, hashed): when the
  key does not match, the template is compiled as usual, so a stale file is slower,
  never different.

jinja2 is imported inside :func:`render_html`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesmkt.l10n import N_, _, ngettext, reader_language
from salesmkt.render.report.markdown import and_more, comment_count, further_actions, made_with
from salesmkt.render.report.view import Report
from salesmkt.render.text import visible

if TYPE_CHECKING:
    from salesmkt.render.charts import Chart

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
TEMPLATES = Path(__file__).parent / "templates"


def _chart_context(charts: Sequence[Chart]) -> dict[str, dict[str, object]]:
    """Chart name → what the template shows of it: title, caption, notes and the SVG."""
    from markupsafe import Markup

    return {
        c.name: {
            "title": c.title,
            "description": c.description,
            "notes": c.notes,
            # Our own matplotlib output, stripped of comments and metadata and checked
            # for active content by charts.inline_svg: the only unescaped markup.
            "svg": Markup(c.inline_svg()),  # noqa: S704
        }
        for c in charts
    }


def _shown(value: object) -> object:
    """A printed template value with its control characters made visible (tab, newline kept).

    Safe markup (the charts' SVG) stays safe: the stand-ins contain no markup characters.
    """
    from markupsafe import Markup

    if isinstance(value, Markup):
        return Markup(visible(str(value)))  # noqa: S704
    if isinstance(value, str):
        return visible(value)
    return value


TEMPLATE = "report.html"
PRECOMPILED = TEMPLATES / "report.html.compiled"


def environment() -> Any:
    """The page's jinja2 environment (autoescaping on, control characters made visible),
    with the fixed words in the reader's language as globals."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown,
    )
    # The fixed words in the reader's language: {{ _("…") }} in the template, and the
    # sentences the Markdown renderer words the same way.
    env.globals.update(
        _=_,
        ngettext=ngettext,
        and_more=and_more,
        comment_count=comment_count,
        further_actions=further_actions,
        made_with=made_with,
    )
    return env


_SHAPING = [
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "autoescape",
    "optimized",
]
"""The environment's settings that shape the code jinja2 compiles a template into."""


def compiled_key(env: Any, source: str) -> str:
    """The first line of the precompiled template: what its code was compiled from (the
    template, jinja2's version, the environment's settings), hashed."""
    import hashlib

    import jinja2

    settings = [repr(getattr(env, name)) for name in _SHAPING]
    settings += [env.undefined.__name__, getattr(env.finalize, "__qualname__", "")]
    made_from = repr((source, jinja2.__version__, settings))
    return f"# {TEMPLATE} compiled by jinja2: {hashlib.sha256(made_from.encode()).hexdigest()}"


def compiled_source(env: Any, source: str) -> str:
    """The precompiled template's text: its key, then the code jinja2 compiles
    ``source`` into (as ``Environment.compile`` does before running it)."""
    code: str = env.compile(source, TEMPLATE, str(TEMPLATES / TEMPLATE), raw=True)
    return compiled_key(env, source) + "\n" + code


def _template(env: Any) -> Any:
    """``report.html`` from its precompiled code when that matches the template, else
    compiled by jinja2 as usual."""
    source = (TEMPLATES / TEMPLATE).read_text(encoding="utf-8")
    try:
        compiled = PRECOMPILED.read_text(encoding="utf-8")
    except OSError:
        compiled = ""
    key, _newline, code = compiled.partition("\n")
    if key != compiled_key(env, source):
        return env.get_template(TEMPLATE)
    # Our own file, shipped beside the template and matched to it by its key.
    program = compile(code, str(TEMPLATES / TEMPLATE), "exec")
    return env.template_class.from_code(env, program, env.make_globals(None))


def render_html(report: Report, charts: Sequence[Chart] = ()) -> str:
    """The report as one self-contained HTML page (autoescaped jinja2 template)."""
    template = _template(environment())
    lang = reader_language() or "en"
    page: str = template.render(r=report, charts=_chart_context(charts), csp=CSP, lang=lang)
    return page


CLIENT = N_("Client")  # the logo's alt text without a client name


def render_page(report: Report, charts: Sequence[Chart], chart_links: Mapping[str, str]) -> str:
    """The HTML renderer of :data:`salesmkt.render.report.formats.REPORT_RENDERERS`.

    The charts are inlined, so the links to chart files are not needed.
    """
    return render_html(report, charts)
