"""The slide deck: the workshop report as a PowerPoint file (``report -o deck.pptx``).

Vocabulary: :mod:`~salesmkt.render.deck.slides` decides what each slide says, from the
same worded report view the HTML and Markdown reports print (so the three cannot
disagree); :mod:`~salesmkt.render.deck.fit` measures text so that it fits its box;
:mod:`~salesmkt.render.deck.draw` draws the slides with python-pptx: native, editable
charts in the accent colour, and speaker notes carrying the numbers and caveats.
"""
