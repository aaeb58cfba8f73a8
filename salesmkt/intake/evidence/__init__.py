"""Reading CRM exports: which export each file is, and its cells as typed columns.

Vocabulary:
- *export*: one CSV file as a CRM wrote it; a *mapping*
  (:class:`~salesmkt.definitions.crm_mapping.CrmMapping`) says which export it is and
  what its columns and values mean. :mod:`.recognise` picks the mapping from the header.
- *cells*: :mod:`.cells` turns text columns into dates, amounts and booleans, all at
  once (pandas vectorised), and marks every cell it cannot read.
- *problem*: one cell or value that cannot be read, as ``file:row:column (header):
  message``; every problem of every file is collected before anything is computed, and
  reading fails with all of them (:class:`~salesmkt.errors.EvidenceDataError`).
- *CRM data* (:class:`.read.CrmData`): the leads, opportunities and forecast of every
  file, in the columns of the metric model, plus *notes*: located remarks that do not
  stop the reading (references to records outside the exports).
"""
