"""Composition of the stages (tick, backfill, reprocess, alerts); owns transactions."""
