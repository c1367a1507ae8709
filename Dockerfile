# catalyst-bot: one process that polls feeds and posts alerts (run several on one PostgreSQL to scale out).
# Build:  docker build -t catalyst-bot .
# Run:    docker run -v $PWD/config.toml:/config/config.toml:ro -v catalyst-data:/data \
#           -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN catalyst-bot
# Workers: the same, once per worker, with `[store] url = "postgresql://..."` in the config and
#          -e CATALYST_DB_PASSWORD (the variable its password_env names); `docker run ... db migrate` first.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CATALYST_BOT_CONFIG=/config/config.toml \
    CATALYST_BOT_DATA_DIR=/data

RUN useradd --create-home --uid 10001 catalyst \
    && mkdir -p /data /config \
    && chown catalyst:catalyst /data

WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY rules ./rules
COPY .ci/install ./.ci/install
# The same install command as .ci/run, without the test extras. It compiles the rule engine's hot
# modules to C (setup.py): a C compiler for this step only, removed in the same layer, and the
# build fails if they did not compile.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && .ci/install \
    && apt-get purge -y --auto-remove gcc libc6-dev && rm -rf /var/lib/apt/lists/* \
    && catalyst-bot --version | grep -q "compiled with mypyc"
# The code's bytecode, which PYTHONDONTWRITEBYTECODE keeps from being written at run time: without
# it every command would compile the code again before it starts.
RUN python -m compileall -q bot adapters rules

USER catalyst
VOLUME ["/data"]

# The daemon touches a heartbeat on every scheduler tick; a stale heartbeat means it is stuck.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["catalyst-bot", "health"]

ENTRYPOINT ["catalyst-bot"]
CMD ["run"]
