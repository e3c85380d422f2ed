# Afterline: one process (MQTT broker, HTTP API, pages). With DATABASE_URL set it uses that server;
# without it, the embedded database in /data.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY core ./core
COPY gateway ./gateway
COPY dispatch ./dispatch
COPY traceability ./traceability
COPY web ./web
COPY simulators ./simulators
COPY tsconfig.json ./
ENV HTTP_PORT=3000 MQTT_PORT=1883 DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 3000 1883
CMD ["node", "--import", "tsx", "web/main.ts"]
