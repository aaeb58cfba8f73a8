"""Stage 1, definitions: the YAML files that say what is asked and what is advised.

Reading a file, lowest layer first (each module imports only those above it):

- ``yamlload``: safe YAML loading with the line and column of every value.
- ``diagnostics``: one located problem (file:line:col, level, code), and its printers.
- ``modelbase``: the strict base model and the schema pieces both models share.
- ``questionnaire``, ``rules``: the pydantic models of the two file kinds (shape only).
- ``checks``: the generic machinery: a kind (model + semantic check), problems, and
  checking a document as a kind into located diagnostics.
- ``questionnaire_checks``, ``rules_checks``: the meaning of each kind (ids that exist,
  bands that tile…); ``rules_contradictions``: conditions that can never be true.
- ``builtin``: the shipped files, and turning an id or a path into a file.
- ``questionnaire_load``, ``rules_instruments``, ``rules_load``: loading by id or path,
  fully checked, or raising ``InvalidFileError``.
- ``kinds``: the registry of file kinds; checking a file of any kind (``validate``).
- ``schemas``: the published JSON Schemas, generated from the same models (``schema``).
"""
