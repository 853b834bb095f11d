package io.pipelines.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlStatementsTest {

    @Test
    void splitsAtSemicolonsAndDropsComments() {
        assertThat(SqlStatements.split("""
                -- a comment; with a semicolon
                DELETE FROM t WHERE d = :logical_date;
                /* block; comment */ INSERT INTO t SELECT 1;
                """)).containsExactly("DELETE FROM t WHERE d = :logical_date", "INSERT INTO t SELECT 1");
    }

    @Test
    void keepsSemicolonsInsideQuotesAndDollarQuotes() {
        assertThat(SqlStatements.split("SELECT 'a;b', \"c;d\", 'it''s;'; SELECT $$x;y$$; SELECT $tag$p;q$tag$"))
                .containsExactly("SELECT 'a;b', \"c;d\", 'it''s;'", "SELECT $$x;y$$", "SELECT $tag$p;q$tag$");
    }

    @Test
    void aPositionalParameterIsNotADollarQuote() {
        assertThat(SqlStatements.split("SELECT $1; SELECT 2")).containsExactly("SELECT $1", "SELECT 2");
    }

    @Test
    void anEmptyScriptHasNoStatement() {
        assertThat(SqlStatements.split("-- nothing\n ; ;")).isEmpty();
    }
}
