"""Registers the hmmrnn pytest plugin for runs from the repository root (options need a root conftest)."""
pytest_plugins = ["hmmrnn.plugin"]
