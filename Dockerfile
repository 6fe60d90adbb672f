# The portal as PRD/T&I run it: gunicorn, non-root, static files baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NCR_ENV=prd \
    GUNICORN_WORKERS=3 \
    PORT=8000

WORKDIR /app
RUN useradd --system --uid 10001 --home /app ncr

COPY pyproject.toml README.md ./
COPY ncregister ncregister
COPY accounts accounts
COPY submissions submissions
COPY audit audit
RUN pip install --no-cache-dir .
COPY . .

# collectstatic needs settings; throwaway values on this one step only.
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 DJANGO_ALLOWED_HOSTS=build \
    OIDC_RP_CLIENT_ID=build OIDC_RP_CLIENT_SECRET=build NCR_STAFF_ORGCODES=build \
    python manage.py collectstatic --noinput

# Uploaded files (FileSystemStorage) go to a volume here unless storage is set to S3-compatible.
RUN mkdir -p /app/media && chown ncr /app/media

USER ncr
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health/', timeout=4)"
# The configuration checks run before serving: gunicorn alone would start with a wrong setting.
CMD ["sh", "-c", "python manage.py check --deploy --fail-level WARNING && exec gunicorn ncregister.wsgi:application --bind 0.0.0.0:${PORT} --workers ${GUNICORN_WORKERS} --forwarded-allow-ips '*'"]
