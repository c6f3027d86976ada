"""Prefect orchestration for newsmon: the only package that imports prefect."""
