# The pipelines service. Build: docker build -t pipelines .
# Run: docker run -p 8080:8080 -e WAREHOUSE_URL=... -e SALES_DB_URL=... -e LAKE_ENDPOINT=... \
#        -e PIPELINES_USER=... -e PIPELINES_PASSWORD=... pipelines
# Settings come from the environment (see README, "Running in production"); the image runs the
# `prod` profile. The jar holds no embedded server nor demo data (the lab is on the test classpath only);
# started without its settings, the service stops listing every one missing.

# Base images pinned to one Temurin release (the JDK the project is built and tested with, 17.0.15+6, on
# Ubuntu jammy): a rebuild gets the same Java; move both tags together, on purpose.
FROM eclipse-temurin:17.0.15_6-jdk-jammy AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B dependency:go-offline
COPY src/ src/
RUN ./mvnw -B package -DskipTests && cp target/pipelines-*.jar /src/pipelines.jar

FROM eclipse-temurin:17.0.15_6-jre-jammy
RUN groupadd --system --gid 10001 pipelines \
 && useradd --system --uid 10001 --gid pipelines --home-dir /app --shell /usr/sbin/nologin pipelines
# The service reads application.yml, routes/, kamelets/, sql/ and quality/ from its working folder.
WORKDIR /app
COPY --from=build /src/pipelines.jar /app/pipelines.jar
COPY application.yml /app/application.yml
COPY routes/ /app/routes/
COPY kamelets/ /app/kamelets/
COPY sql/ /app/sql/
COPY quality/ /app/quality/
COPY streams/ /app/streams/
# Dead letters written while the warehouse is down are kept here until drained: mount a volume.
RUN mkdir -p /app/data/dead-letters && chown -R pipelines:pipelines /app/data
VOLUME /app/data
USER pipelines
ENV SPRING_PROFILES_ACTIVE=prod \
    LAKE_SPOOL_DIR=/tmp/pipelines-spool \
    PIPELINES_DEAD_LETTERS_DIR=/app/data/dead-letters
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q UP <&3"]
# Out of memory: the process ends (and is restarted) rather than limping on with threads lost; runs in
# flight are taken over by the next instance (README, "Running several instances").
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/pipelines.jar"]
