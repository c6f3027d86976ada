"""newsmon: versioned news monitoring with wire-copy dedupe, stories and casualty timelines."""

__version__ = "0.1.0"
