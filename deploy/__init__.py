"""Deployment tooling: run by path (python3 deploy/dev.py ...) and imported by the tests."""
