"""The pipeline: typer-free runs that take one input object and one settings object.

Each run conducts the stages (definitions → intake → analysis → advice) and returns a
view for the renderers (:mod:`salesmkt.render.registry`) plus any *notes* for the
person at the keyboard; front ends (the CLI, later the workshop room) only build the
inputs, call a run, pick a renderer and print. Runs never print or exit: they raise the
package's errors (:mod:`salesmkt.errors`).

``runs`` holds score, gaps, recommend and compare; ``report`` the workshop report.
"""
