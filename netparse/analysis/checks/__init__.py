"""The checks: each a small function over the topology that yields what is wrong.

A check names what it is about (`subjects`), says what is wrong (`message`), shows the facts it
rests on with the capture each comes from (`evidence`) and what to do (`hint`). It declares the
facts it needs (`facts.py`); when the captures lack one, it is not run and the report says
which capture would let it run. Bridges Docker does not manage, and networks of other drivers,
never raise bridge findings.
"""

from __future__ import annotations

from netparse.analysis.checks.base import CHECKS, Check, Problem, check, not_run, run_checks
# Importing an area's module registers its checks, in the order `netparse checks` lists them.
from netparse.analysis.checks import bridges, veths, addresses, routes, engine, captures, firewall  # noqa: F401,E501

__all__ = ["CHECKS", "Check", "Problem", "check", "not_run", "run_checks"]
