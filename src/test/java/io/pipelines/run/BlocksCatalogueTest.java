package io.pipelines.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The README's catalogue of building blocks is the one the Kamelets of kamelets/ define, so that
 * a parameter is documented once, in its block. After changing a block, run
 * {@code ./mvnw test -Dtest=BlocksCatalogueTest -Dpipelines.docs.update=true} to write it again.
 */
class BlocksCatalogueTest {

    private static final Path README = Path.of("README.md");
    private static final String START = "<!-- blocks: generated from kamelets/ by BlocksCatalogueTest -->\n";
    private static final String END = "<!-- blocks: end -->";

    @Test
    void theReadmeListsEveryBlockAsItsDefinitionSays() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertThat(start).as("README.md has the markers of the catalogue").isGreaterThanOrEqualTo(0);
        assertThat(end).isGreaterThan(start);
        String generated = new Blocks("file:kamelets").markdown();
        if (Boolean.getBoolean("pipelines.docs.update")) {
            readme = readme.substring(0, start + START.length()) + generated + readme.substring(end);
            Files.writeString(README, readme, StandardCharsets.UTF_8);
            end = readme.indexOf(END);
        }
        assertThat(readme.substring(start + START.length(), end))
                .as("the catalogue in README.md (run this test with -Dpipelines.docs.update=true to write it again)")
                .isEqualTo(generated);
    }

    @Test
    void theReadmesExamplePipelineIsTheDemoPipelineAsShipped() throws Exception {
        String pipeline = Files.readString(Path.of("routes/local/daily-signups.camel.yaml"), StandardCharsets.UTF_8);
        assertThat(Files.readString(README, StandardCharsets.UTF_8))
                .contains("```yaml\n" + pipeline.substring(pipeline.indexOf("- route:")) + "```");
    }

    @Test
    void everyBlockAndParameterIsTitledAndDescribed() {
        for (Blocks.Block block : new Blocks("file:kamelets").all()) {
            assertThat(block.title()).as(block.name()).isNotBlank();
            assertThat(block.description()).as(block.name()).isNotBlank();
            for (Blocks.Parameter p : block.parameters().values()) {
                assertThat(p.title()).as(block.name() + "." + p.name()).isNotBlank();
                assertThat(p.description()).as(block.name() + "." + p.name()).isNotBlank();
            }
        }
    }
}
