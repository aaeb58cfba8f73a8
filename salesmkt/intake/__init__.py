"""Stage 2, intake: a responses file in, a checked table of answers out.

Modules, in the order a file goes through them:

- ``source``: the response source (where the answers are and how to read them);
- ``responses``: :func:`read_responses`, which runs the steps below, and the
  :class:`ResponseTable` it returns;
- ``files``: opening CSV/TSV/text in any encoding or ``.xlsx``, sniffing the delimiter,
  reading the head and the body (with the fast path for plain numbers);
- ``layout``: the header and sub-header rows, column letters and labels;
- ``headers``: what a header names (an item, the group, a respondent id, comments);
- ``columns``: matching item, respondent and group columns, and the ``--map`` file;
- ``scale``: reading one answer on the questionnaire's scale;
- ``gate``: the data-quality problems, exclusions and warnings;
- ``spelling``: how cells and headers are compared, tidied and quoted;
- ``inputbytes``: a named input file's bytes (a headcount, a CRM export), or one line
  saying why not.
"""
