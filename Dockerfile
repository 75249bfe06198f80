# AI Gateway for GitLab Duo Self-Hosted.
#   docker build -t ai-gateway .
#   docker run -d -p 5052:5052 -p 8082:8082 -e AIGW_GITLAB_URL=https://gitlab.example.com ai-gateway
#   docker exec <container> java -jar /app/ai-gateway.jar troubleshoot --model-family ... (README "Troubleshooting")
# Routes, catalog and prompts live in /app; mount your own over them to change routing without a rebuild.
# Base images are pinned to exact releases; pin them by digest too where your registry policy asks for it.

FROM maven:3.9.11-eclipse-temurin-25 AS build
WORKDIR /build
# dependencies first: this layer is rebuilt only when pom.xml changes
COPY pom.xml ./
RUN mvn -B -ntp dependency:go-offline
COPY src src
COPY routes routes
COPY prompts prompts
COPY catalog catalog
COPY application.properties ./
RUN mvn -B -ntp -DskipTests package

FROM eclipse-temurin:25.0.1_8-jre-noble
RUN groupadd --system --gid 10001 aigw \
 && useradd --system --uid 10001 --gid aigw --home-dir /app --shell /usr/sbin/nologin aigw
WORKDIR /app
# libraries change less often than the application jar
COPY --from=build /build/target/lib/ lib/
COPY --from=build /build/target/ai-gateway.jar ai-gateway.jar
COPY application.properties ./
COPY routes routes/
COPY catalog catalog/
COPY prompts prompts/
# opt-in extension routes: copy one into /app/routes.d (or AIGW_EXTENSIONS_DIR) to enable it
COPY recipes recipes/
# Optional: GitLab's documentation for Duo Chat's documentation search (README "Documentation search").
# Put a copy of GitLab's doc folder's contents in ./gitlab-docs before building; left empty, the search
# answers no results.
COPY gitlab-docs/ gitlab-docs/
# JDK 25's AOT cache (JEP 483, 514): one start of the gateway here records the classes it loads and links, and
# every container start maps them instead (cold start to ready 3.1-3.6 s -> 1.6-1.8 s on 2 vCPU, README
# "Performance"). A cache that no longer matches the jar or the JVM is reported once and skipped, never fatal.
RUN CAMEL_MAIN_DURATIONMAXSECONDS=2 java -XX:AOTCacheOutput=/app/ai-gateway.aot -jar /app/ai-gateway.jar \
      >/tmp/aot-training.log 2>&1 || { cat /tmp/aot-training.log; exit 1; }; rm -f /tmp/aot-training.log
USER 10001:10001
ENV AIGW_FASTAPI__API_PORT=5052 \
    AIGW_FASTAPI__METRICS_PORT=8082 \
    AIGW_DOCS_DIR=/app/gitlab-docs \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
# 5052: GitLab's requests; 8082: Prometheus /metrics
EXPOSE 5052 8082
# The Temurin JRE image has neither curl nor wget, so bash asks for the liveness page itself
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${AIGW_FASTAPI__API_PORT} && printf 'GET /monitoring/healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-XX:AOTCache=/app/ai-gateway.aot", "-jar", "/app/ai-gateway.jar"]
