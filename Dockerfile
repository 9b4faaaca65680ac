FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/frontdesk.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY domain ./domain
COPY storage ./storage
RUN pip install --no-cache-dir . \
    && useradd --system --create-home --uid 10001 frontdesk \
    && mkdir -p /data && chown frontdesk /data

USER frontdesk
VOLUME ["/data"]
CMD ["frontdesk", "run"]
