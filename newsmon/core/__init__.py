"""Basics every layer may use: settings, records, errors, URLs, text, languages, the clock."""
