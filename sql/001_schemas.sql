-- Schemas of the published warehouse. DuckDB's parser splits these files into statements.
-- Files numbered below 100 run into the empty file before the load, the others after it.
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS analytics;
-- tables behind the analytics views, filled after the load (200_analytics_data.sql)
CREATE SCHEMA IF NOT EXISTS analytics_data;
