"""The workshop report: the worded view of an assessment and its HTML and Markdown pages.

Modules, in the order the data flows:
- :mod:`~salesmkt.render.report.view`: the view's dataclasses (:class:`Report` and its rows);
- :mod:`~salesmkt.render.report.build`: :func:`build_report`, one builder per section,
  with :mod:`~salesmkt.render.report.progress` (since a baseline),
  :mod:`~salesmkt.render.report.methods` (Appendix A) and
  :mod:`~salesmkt.render.report.words` (the report's own wording helpers);
- :mod:`~salesmkt.render.report.html` and :mod:`~salesmkt.render.report.markdown`: the
  two renderers, picked by format from :mod:`~salesmkt.render.report.formats`.

Loading the inputs, adding advice, comparing with a baseline and writing the files is
the pipeline's job (:mod:`salesmkt.pipeline.report`); nothing here imports it.
"""
