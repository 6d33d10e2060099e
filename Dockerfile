# syntax=docker/dockerfile:1
# The operator image: ghcr.io/pve-operator/pve-operator:<version>.
#   docker build -t ghcr.io/pve-operator/pve-operator:0.1.0 .
# A test (tests/PveOperator.IntegrationTests/Shipping/DockerfileTests.cs) replays the build stage's COPY and
# RUN lines outside Docker and starts the published entrypoint, so keep to WORKDIR, COPY and RUN there.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore in its own layer: only the files that decide the packages, so a source change reuses it.
COPY Directory.Build.props ./
COPY src/PveOperator/PveOperator.csproj src/PveOperator/
RUN dotnet restore src/PveOperator/PveOperator.csproj
COPY src/PveOperator/ src/PveOperator/
RUN dotnet publish src/PveOperator/PveOperator.csproj -c Release --no-restore -p:UseAppHost=false -o /app

# Chiseled: no shell, no package manager, only what .NET needs (the app runs with invariant globalization).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
# Only the published output, owned by root and read-only for the operator's user.
COPY --from=build /app ./
# The same non-root user the manifests require (runAsUser 65532).
USER 65532:65532
# The operator binds its own ports (--metrics-bind-address :8080, --health-probe-bind-address :8081): clear
# the base image's ASPNETCORE_HTTP_PORTS so Kestrel does not warn that it overrides it.
# Workstation GC: a small, steady heap suits a controller and a 128Mi memory limit.
ENV ASPNETCORE_HTTP_PORTS= \
    DOTNET_gcServer=0
EXPOSE 8080 8081
ENTRYPOINT ["dotnet", "PveOperator.dll"]
