# The capacity-promise planning service: `capacity-promise serve` (poll loop + HTTP API).
# Build:  docker build -t capacity-promise .
# Run:    docker run --env-file service.env -p 8080:8080 -v capacity-promise-data:/data capacity-promise
# Settings are CAPACITY_PROMISE_* environment variables given at run time; no secret is
# baked into the image.

# -- build: install the service and its dependencies into a virtual environment ------------
FROM python:3.11.11-slim-bookworm AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /src
RUN python -m venv /opt/capacity-promise
COPY pyproject.toml README.md ./
COPY optimizer/ optimizer/
COPY sync/ sync/
# The postgres extra lets CAPACITY_PROMISE_STATE_URL point at PostgreSQL instead of SQLite.
RUN /opt/capacity-promise/bin/pip install --no-cache-dir ".[postgres]"

# -- runtime: the virtual environment only, run by an unprivileged user --------------------
FROM python:3.11.11-slim-bookworm

LABEL org.opencontainers.image.title="capacity-promise" \
      org.opencontainers.image.description="Capable-to-promise delivery dates and purchase suggestions for Odoo" \
      org.opencontainers.image.licenses="AGPL-3.0-or-later"

RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin capacity-promise \
    && mkdir /data \
    && chown capacity-promise:capacity-promise /data

COPY --from=build /opt/capacity-promise /opt/capacity-promise

# Not secrets: where the service listens and keeps its state inside the container.
# /data is owned by the service's user, so a named volume mounted there is writable.
ENV PATH=/opt/capacity-promise/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CAPACITY_PROMISE_LISTEN_HOST=0.0.0.0 \
    CAPACITY_PROMISE_LISTEN_PORT=8080 \
    CAPACITY_PROMISE_STATE_URL=sqlite:////data/capacity-promise.sqlite

USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# /health answers 200 once a plan exists (503 while the first planning run is under way);
# slim images have no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('CAPACITY_PROMISE_LISTEN_PORT', '8080'), timeout=4)"]

ENTRYPOINT ["capacity-promise"]
CMD ["serve"]
