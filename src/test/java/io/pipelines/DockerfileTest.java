package io.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The image holds every file the service reads from its working folder at run time (no Docker
 * engine here to build it: the Dockerfile is read instead), and ends the JVM on an out-of-memory
 * error rather than running on with threads lost.
 */
class DockerfileTest {

    @Test
    void theImageHoldsWhatTheServiceReadsFromItsWorkingFolder() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        for (String folder : new String[] {"routes", "kamelets", "sql", "quality"}) {
            assertThat(Path.of(folder)).isDirectory();
            assertThat(dockerfile).as("Dockerfile copies %s/", folder).contains("COPY " + folder + "/ /app/" + folder + "/");
        }
        assertThat(dockerfile).contains("COPY application.yml /app/application.yml").contains("-XX:+ExitOnOutOfMemoryError");
    }
}
