# syntax=docker/dockerfile:1
# The Deskmeter dashboard (dmweb) under gunicorn, for the remote portfolio stack.
#
#   docker build -t deskmeter:dev .
#   docker run --rm -p 8000:8000 -v deskmeter-data:/data deskmeter:dev
#
# Build arguments:
#   BASE_IMAGE    the Python 3.11+ image both stages start from (default: the stock python:3.11-slim).
#                 Any Debian-like image with python3, python3-venv and useradd works.
#   EXTRA_CA_PEM  optional PEM text of an extra CA that the *build stage* trusts when pip downloads
#                 (for builds behind a TLS-intercepting proxy). It never reaches the final image.
ARG BASE_IMAGE=python:3.11-slim

# ---------------------------------------------------------------- build stage: a venv with the app
FROM ${BASE_IMAGE} AS builder
ARG EXTRA_CA_PEM=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1
RUN if [ -n "$EXTRA_CA_PEM" ]; then \
      printf '%s\n' "$EXTRA_CA_PEM" > /usr/local/share/ca-certificates/build-extra-ca.crt \
      && update-ca-certificates >/dev/null; \
    fi
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
RUN python3 -m venv /opt/venv
WORKDIR /src
# Dependencies first (from pyproject.toml alone), so a source change does not reinstall them.
COPY pyproject.toml ./
RUN /opt/venv/bin/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
      > /tmp/requirements.txt \
    && /opt/venv/bin/pip install --no-compile -r /tmp/requirements.txt
COPY README.md ./
COPY src ./src
RUN /opt/venv/bin/pip install --no-compile --no-deps . \
    && /opt/venv/bin/pip uninstall -y pip \
    && find /opt/venv -depth \( -name '__pycache__' -o -name 'tests' -o -name '*.pyi' \) -prune -exec rm -rf {} + \
    && /opt/venv/bin/python -m compileall -q /opt/venv/lib

# ---------------------------------------------------------------- runtime stage: non-root, no build tools
FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="deskmeter" \
      org.opencontainers.image.description="Deskmeter dashboard (dmweb) under gunicorn" \
      org.opencontainers.image.licenses="MIT"
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/deskmeter \
      --shell /usr/sbin/nologin deskmeter \
    && mkdir -p /data \
    && chown deskmeter:deskmeter /data
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DESKMETER_STORE=/data/deskmeter.sqlite3 \
    DESKMETER_TIMEZONE=UTC \
    DESKMETER_WEB__MODE=portfolio \
    DESKMETER_WEB__HOST=0.0.0.0 \
    DESKMETER_WEB__PORT=8000 \
    XDG_RUNTIME_DIR=/tmp
USER deskmeter
WORKDIR /home/deskmeter
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('DESKMETER_WEB__PORT', '8000'), timeout=4)"]
# gunicorn reads its bind address and workers from DESKMETER_WEB__* (deskmeter.web.gunicorn_conf).
CMD ["gunicorn", "--config", "python:deskmeter.web.gunicorn_conf"]
