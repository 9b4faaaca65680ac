FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/frontdesk.db

# The dependencies at the versions of the lock file (a layer of their own, rebuilt only
# when the lock changes), then the package alone.
COPY requirements.lock /src/
RUN pip install -r /src/requirements.lock

# The package carries its data: migrations, translations (bot/locales/*/LC_MESSAGES/*.po)
# and the classifier's examples; see [tool.setuptools.package-data] in pyproject.toml.
COPY pyproject.toml README.md LICENSE /src/
COPY bot /src/bot
COPY domain /src/domain
COPY handlers /src/handlers
COPY storage /src/storage
RUN pip install --no-deps /src \
    && rm -rf /src \
    && useradd --system --create-home --uid 10001 frontdesk \
    && mkdir /data \
    && chown frontdesk:frontdesk /data

USER frontdesk
WORKDIR /data
VOLUME ["/data"]

# /healthz is served on 127.0.0.1:METRICS_PORT inside the container (see README,
# Operations); it answers 200 while the bot is well and an error status otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % (os.environ.get('METRICS_PORT') or '9090'), timeout=4)"

# Exec form: the bot is PID 1 and gets SIGTERM itself, to stop gracefully.
CMD ["frontdesk", "run"]
