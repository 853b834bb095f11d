package io.pipelines.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.pipelines.support.GeneratedSection;

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
        GeneratedSection.check(README, START, END, new Blocks("file:kamelets").markdown(), "BlocksCatalogueTest");
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
