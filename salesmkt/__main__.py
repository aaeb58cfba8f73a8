"""Allows ``python -m salesmkt``."""

from salesmkt.cli import main

main()
