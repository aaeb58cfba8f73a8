"""Renderers: turn core models into text for people (terminal, Markdown, HTML, CSV).

Vocabulary: a renderer takes a model and returns a string (or writes a file through
:mod:`salesmkt.render.outputs`); it never computes a figure of its own.
"""
