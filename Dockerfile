# Foyer's image: built by scripts/build-release, the script CI runs on every change, so
# the image holds what CI built and tested. Run it with compose.yaml, or:
#   docker build --build-arg FOYER_COMMIT=$(git rev-parse --short=12 HEAD) -t foyer .
#   docker run -p 8080:8080 -v foyer-data:/var/lib/foyer foyer

FROM swift:6.2-noble AS build
RUN apt-get update -q && apt-get install -y -q --no-install-recommends libsqlite3-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# .git is not copied (.dockerignore): the commit comes in as an argument.
ARG FOYER_COMMIT=unknown
ENV FOYER_COMMIT=${FOYER_COMMIT}
RUN scripts/build-release && scripts/install-release /opt/foyer

FROM swift:6.2-noble-slim
RUN apt-get update -q && apt-get install -y -q --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/foyer --create-home --shell /usr/sbin/nologin foyer
COPY --from=build /opt/foyer /opt/foyer
USER foyer
VOLUME /var/lib/foyer
EXPOSE 8080
ENV FOYER_DATA_DIR=/var/lib/foyer FOYER_HOST=0.0.0.0 FOYER_PORT=8080
ENTRYPOINT ["/opt/foyer/foyer"]
CMD ["serve"]
