"""Write ``salesmkt/render/report/templates/report.html.compiled`` from ``report.html``.

Run after editing the report template (or upgrading jinja2); until then the report
compiles the template itself on every run (the same page, a tenth of a second slower),
and ``tests/test_perf_report9.py`` fails to say so.

    python tools/compile_report_template.py
"""

from __future__ import annotations

from salesmkt.render.report import html


def main() -> None:
    source = (html.TEMPLATES / html.TEMPLATE).read_text(encoding="utf-8")
    text = html.compiled_source(html.environment(), source)
    html.PRECOMPILED.write_text(text, encoding="utf-8")
    print(f"wrote {html.PRECOMPILED} ({len(text):,} characters)")


if __name__ == "__main__":
    main()
