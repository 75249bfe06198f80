# AI Gateway for GitLab Duo Self-Hosted.
#   docker build -t ai-gateway .
#   docker run -d -p 5052:5052 -e AIGW_GITLAB_URL=https://gitlab.example.com ai-gateway
# Routes, catalog and prompts live in /app; mount your own over them to change routing without a rebuild.

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
USER 10001:10001
ENV AIGW_FASTAPI__API_PORT=5052 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
EXPOSE 5052
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${AIGW_FASTAPI__API_PORT}/monitoring/healthz" || exit 1
ENTRYPOINT ["java", "-jar", "/app/ai-gateway.jar"]
