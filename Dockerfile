# syntax=docker/dockerfile:1
# The operator image: ghcr.io/pve-operator/pve-operator:<version>.
#   docker build -t ghcr.io/pve-operator/pve-operator:0.1.0 .
# A test (tests/PveOperator.IntegrationTests/Shipping/DockerfileBuildTests.cs) replays the build stage's COPY and
# RUN lines outside Docker and starts the published entrypoint, so keep to WORKDIR, COPY and RUN there.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# NativeAOT compiles to one native executable, linked by clang against zlib.
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev
WORKDIR /src
# Restore in its own layer: only the files that decide the packages, so a source change reuses it.
COPY Directory.Build.props .editorconfig ./
COPY src/PveOperator/PveOperator.csproj src/PveOperator/
RUN dotnet restore src/PveOperator/PveOperator.csproj -r linux-x64 -p:PublishAot=true
COPY src/PveOperator/ src/PveOperator/
# NativeAOT: about a third of the JIT build's memory and a start in well under a second (docs/native-aot.md). The
# symbols file stays behind.
RUN dotnet publish src/PveOperator/PveOperator.csproj -c Release -r linux-x64 -p:PublishAot=true --no-restore -o /app && rm -f /app/PveOperator.dbg

# Chiseled runtime-deps: no shell, no package manager, no .NET runtime (the executable carries its own), only the
# native libraries it links to.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS runtime
WORKDIR /app
# Only the published output, owned by root and read-only for the operator's user.
COPY --from=build /app ./
# The same non-root user the manifests require (runAsUser 65532).
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/app/PveOperator"]
