"""Tests of the dashboard (dmweb): pages, API, modes, security, fuzz, real browser."""
