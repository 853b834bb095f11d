package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The image holds every file the service reads from its working folder at run time (no Docker
 * engine here to build it: the Dockerfile is read instead), ends the JVM on an out-of-memory
 * error rather than running on with threads lost, and is built from pinned base images.
 */
class DockerfileTest {

    @Test
    void theImageHoldsWhatTheServiceReadsFromItsWorkingFolder() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        for (String folder : new String[] {"routes", "kamelets", "sql", "quality", "streams"}) {
            assertThat(Path.of(folder)).isDirectory();
            assertThat(dockerfile).as("Dockerfile copies %s/", folder).contains("COPY " + folder + "/ /app/" + folder + "/");
        }
        assertThat(dockerfile).contains("COPY application.yml /app/application.yml").contains("-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void itsBaseImagesArePinnedToOneRelease() throws Exception {
        List<String> from = Files.readAllLines(Path.of("Dockerfile")).stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).hasSize(2).allSatisfy(l -> assertThat(l).as("a full release, not a floating tag")
                .matches("FROM eclipse-temurin:\\d+\\.\\d+\\.\\d+_\\d+-(jdk|jre)-\\w+( AS \\w+)?"));
        assertThat(from.get(0).split("[:-]")[2]).as("both stages on the same release").isEqualTo(from.get(1).split("[:-]")[2]);
    }
}
