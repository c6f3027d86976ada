"""Getting pages in: feeds, sitemaps, the polite SSRF-safe fetcher, robots.txt, cleaning."""
