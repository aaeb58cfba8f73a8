"""The result model: what every stage fills in and every output format renders.

Nothing here reads files or computes figures; it only says what a result may hold.
"""
