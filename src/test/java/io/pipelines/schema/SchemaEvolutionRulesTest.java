package io.pipelines.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which changes of a source column's type staging follows (widened) and which it refuses. */
class SchemaEvolutionRulesTest {

    @Test
    void typesThatKeepEveryValueAreWidenedOthersRefused() {
        var v1 = List.of(new SourceColumn("id", "integer"), new SourceColumn("name", "text"), new SourceColumn("gone", "text"));
        var change = SchemaEvolution.compare("src", v1, List.of(new SourceColumn("id", "bigint"), new SourceColumn("name", "text"),
                new SourceColumn("added", "date")));
        assertThat(change.describe()).isEqualTo("added added date, removed gone, widened id to bigint");
        assertThatThrownBy(() -> SchemaEvolution.compare("src", v1, List.of(new SourceColumn("id", "text"))))
                .isInstanceOf(SourceRejectedException.class)
                .hasMessageContaining("Source src: column id changed type from integer to text, which cannot be widened");
    }

    @Test
    void aTypeTheColumnAlreadyHoldsLeavesItAsItIs() {
        var v1 = List.of(new SourceColumn("amount", "numeric"), new SourceColumn("qty", "bigint"), new SourceColumn("ratio", "double precision"));
        var current = List.of(new SourceColumn("amount", "bigint"), new SourceColumn("qty", "integer"), new SourceColumn("ratio", "numeric"));
        var change = SchemaEvolution.compare("src", v1, current);
        assertThat(change.describe()).as("whole numbers in a numeric column, integers in a bigint one: no change; a float "
                + "column takes exact decimals").isEqualTo("widened ratio to numeric");
        assertThat(SchemaEvolution.kept(v1, current)).containsExactly(new SourceColumn("amount", "numeric"),
                new SourceColumn("qty", "bigint"), new SourceColumn("ratio", "numeric"));
        assertThatThrownBy(() -> SchemaEvolution.compare("src", List.of(new SourceColumn("amount", "numeric")),
                List.of(new SourceColumn("amount", "text"))))
                .hasMessageContaining("column amount changed type from numeric to text, which cannot be widened");
    }
}
