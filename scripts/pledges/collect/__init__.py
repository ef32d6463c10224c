"""Collectors: one small module per collection method, a shared HTTP helper, and the runner.

`pledges collect` (runner.run_collect) runs the collector each source record names.
"""
