# newsmon: scheduled news monitoring. Default command: `newsmon serve` (a local Prefect
# server plus the ingest deployment). The store and Prefect's own database live in the
# data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/newsmon
COPY pyproject.toml constraints.txt README.md ./
COPY newsmon ./newsmon
COPY flows ./flows
COPY config ./config
RUN pip install -c constraints.txt . \
    && useradd --create-home --uid 10001 newsmon \
    && mkdir -p /srv/newsmon/data \
    && chown newsmon:newsmon /srv/newsmon/data

USER newsmon
# config/settings.toml keeps store.path and serve.prefect_home under data/.
VOLUME ["/srv/newsmon/data"]
ENTRYPOINT ["newsmon", "--config", "/srv/newsmon/config"]
CMD ["serve"]
