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

jinja2 is imported inside :func:`render_html`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

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


def render_html(report: Report, charts: Sequence[Chart] = ()) -> str:
    """The report as one self-contained HTML page (autoescaped jinja2 template)."""
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
    template = env.get_template("report.html")
    lang = reader_language() or "en"
    return template.render(r=report, charts=_chart_context(charts), csp=CSP, lang=lang)


CLIENT = N_("Client")  # the logo's alt text without a client name


def render_page(report: Report, charts: Sequence[Chart], chart_links: Mapping[str, str]) -> str:
    """The HTML renderer of :data:`salesmkt.render.report.formats.REPORT_RENDERERS`.

    The charts are inlined, so the links to chart files are not needed.
    """
    return render_html(report, charts)
