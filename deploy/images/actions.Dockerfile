# The Rasa action server with the Stackwise actions. Build from the repository root:
#   docker build -f deploy/images/actions.Dockerfile -t stackwise/actions:3.6.2 .
ARG RASA_SDK_VERSION=3.6.2
FROM rasa/rasa-sdk:${RASA_SDK_VERSION}
USER root
# The actions' HTTP client (bot/actions/client.py), the message catalogs' reader and number formats (Babel) and
# the per-language word tables' reader (PyYAML): the versions the bot's environment has.
RUN pip install --no-cache-dir aiohttp==3.9.5 Babel==2.19.0 PyYAML==6.0.4
COPY bot/actions /app/actions
# Every language's messages.po and words.yml (bot/actions/messages.py reads them from ../languages).
COPY bot/languages /app/languages
USER 1001
EXPOSE 5055
CMD ["start", "--actions", "actions", "--port", "5055"]
