package io.pipelines.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** No two tests share a logical date. */
class TestDatesTest {

    @Test
    void everyDateOfTheTestsIsGivenOnce() throws Exception {
        Map<LocalDate, List<String>> uses = new LinkedHashMap<>();
        for (Class<?> block : TestDates.class.getDeclaredClasses()) {
            for (Field f : block.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Object value = f.get(null);
                List<?> dates = value instanceof List<?> list ? list : List.of(value);
                for (Object d : dates) {
                    uses.computeIfAbsent((LocalDate) d, k -> new ArrayList<>()).add(block.getSimpleName() + "." + f.getName());
                }
            }
        }
        assertThat(uses).as("dates of the tests").hasSizeGreaterThan(40);
        assertThat(uses.entrySet()).filteredOn(e -> e.getValue().size() > 1).as("dates given twice").isEmpty();
    }
}
