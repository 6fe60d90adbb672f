# The portal as T&I and PRD run it: gunicorn (or the worker), non-root, any user id in group 0, static files baked in.
# The base is pinned to an exact version; the container test builds it from a local stand-in (README).
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NCR_ENV=prd \
    NCR_MEDIA_ROOT=/app/media \
    GUNICORN_WORKERS=3 \
    PORT=8000

WORKDIR /app
RUN useradd --system --uid 10001 --gid 0 --home-dir /app --no-create-home ncr

# WeasyPrint (the customer notices as PDF) needs Pango and HarfBuzz; its fonts ship in static/fonts.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*

# Exactly the locked versions, each checked against its hash.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

# One copy of the code, run from /app (not installed a second time into site-packages).
COPY . .
RUN python -m compileall -q ncregister accounts submissions audit worker \
 && DJANGO_SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 DJANGO_ALLOWED_HOSTS=build \
    OIDC_RP_CLIENT_ID=build OIDC_RP_CLIENT_SECRET=build NCR_STAFF_ORGCODES=build NCR_LOG_FORMAT=text \
    python manage.py collectstatic --noinput --verbosity 0 \
 && mkdir -p /app/media \
 && chgrp -R 0 /app/media && chmod -R g=u /app/media

# Uploaded files and photos: this folder (a shared volume) unless NCR_S3_* puts them in object storage.
VOLUME /app/media
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health/', timeout=4)"]
# gunicorn.conf.py runs the configuration checks (with the deployment checks) before serving.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "ncregister.wsgi:application"]
