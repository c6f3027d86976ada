"""Wire copy and stories: which articles are copies of one text, which tell one event.

Modules, in the order an article meets them:

- ``features``: names, numbers, dates and words of one article (pure);
- ``minhash``: near-duplicate fingerprints and the lookup over the wire index;
- ``credits``: the news agency a page credits;
- ``vectors``: feature ids, TF-IDF weights, the stored blob format and similarity;
- ``join``: the decisions — wire group, story to join, merges and splits — over a
  ``StoryIndex`` (``index``) that the pipeline passes in;
- ``coherence``: does a story still hang together (pure);
- ``read``: listings and one story in detail, for the CLI and the report.
"""
