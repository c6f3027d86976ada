"""What changed between two versions of an article: fingerprints and diffs."""
