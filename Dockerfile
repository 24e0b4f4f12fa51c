# dondoc: a static binary on distroless, running as a non-root user.
#
#   docker build -t dondoc .
#   docker run --rm -e DATABASE_URL=postgres://... -p 8080:8080 dondoc serve
#
# The build needs the Go module proxy (or a vendor directory); nothing is
# downloaded at run time. The binary is pure Go (pgx, the pure-Go SQLite
# driver): CGO_ENABLED=0 links it statically.
ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w" \
        -o /out/dondoc ./cmd/dondoc \
    && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
# The zone database for DONDOC_TZ=Asia/Ho_Chi_Minh comes with the image
# (/usr/share/zoneinfo); dondoc falls back to UTC+7 without it.
COPY --from=build /out/dondoc /usr/local/bin/dondoc
# A writable directory for a SQLite trial (DATABASE_URL=/data/dondoc.db);
# production uses Postgres.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
ENV HTTP_ADDR=:8080 DONDOC_ENV_FILE=/nonexistent/.env
EXPOSE 8080
# Graceful shutdown: SIGTERM finishes the messages in flight (at most one
# send timeout, 30 s); give `docker stop` more than that (stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/dondoc"]
CMD ["serve"]
