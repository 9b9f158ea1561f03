# The dermkg studio image (`docker compose up` runs it as the `studio` service).
# Training extras (torch, transformers) are left out: train on a GPU box from the exported datasets.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DERMKG_DATA_DIR=/data

RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr poppler-utils \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY dermkg ./dermkg
COPY kg ./kg
COPY ingest ./ingest
COPY studio ./studio
COPY synth ./synth
COPY train ./train
RUN pip install . \
    && useradd --create-home --uid 1000 dermkg \
    && mkdir -p /data && chown dermkg /data

USER dermkg
VOLUME ["/data"]
EXPOSE 8501
CMD ["dermkg", "studio", "--host", "0.0.0.0", "--port", "8501"]
