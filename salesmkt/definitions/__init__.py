"""Stage 1, definitions: the YAML files that say what is asked and what is advised.

Safe YAML loading with positions (``yamlload``), the questionnaire and rules models
(``questionnaire``, ``rules``), their semantic checks and located diagnostics
(``checks``, ``diagnostics``), and the registry of file kinds (``kinds``).
"""
