"""Watching the pledges' own pages: fetch, extract, normalise, compare, keep the state."""
