# papertrail in a container: the Dagster UI (and the CLI) over a mounted data folder.
#
#   docker build -t papertrail .
#   docker run --rm -v "$PWD/data:/data" papertrail run --captures /data/captures
#   docker run --rm -p 127.0.0.1:3000:3000 -v "$PWD/data:/data" papertrail   # UI on http://127.0.0.1:3000
#   docker run --rm -v "$PWD/data:/data" papertrail sql "SELECT count(*) FROM core.papers"
#
# /data holds everything a run writes: warehouse.duckdb, its .warehouse.duckdb.papertrail/
# workspace, reports/ and the Dagster instance .dagster/ (run history, schedules, sensors).
FROM python:3.11-slim AS build
COPY . /src
RUN pip wheel --no-cache-dir --no-deps -w /dist /src

FROM python:3.11-slim
COPY --from=build /dist/ /dist/
COPY constraints.txt /dist/
RUN pip install --no-cache-dir -c /dist/constraints.txt /dist/papertrail-*.whl && rm -rf /dist
ENV PAPERTRAIL_DB=/data/warehouse.duckdb
WORKDIR /data
VOLUME /data
EXPOSE 3000
ENTRYPOINT ["papertrail"]
# 0.0.0.0: the UI must be reachable through the published port (outside a container: 127.0.0.1)
CMD ["ui", "--host", "0.0.0.0", "--port", "3000"]
