package db.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.quartz.JobDataMap;

/** V25: Quartz job data stored as serialized maps becomes text properties; anything else is refused or left. */
class QuartzJobDataTest {

    @Test
    void aSerializedMapOfTextsBecomesProperties() throws Exception {
        JobDataMap data = new JobDataMap();
        data.put("CamelQuartzEndpoint", "quartz://pipelines/daily_sales_etl?cron=0+0+6+*+*+%3F");
        data.put("CamelQuartzCamelContextName", "pipelines");

        Properties read = new Properties();
        read.load(new ByteArrayInputStream(V25__quartz_job_data_as_properties.asProperties(serialized(data), "job")));

        assertThat(read).containsEntry("CamelQuartzEndpoint", "quartz://pipelines/daily_sales_etl?cron=0+0+6+*+*+%3F")
                .containsEntry("CamelQuartzCamelContextName", "pipelines").hasSize(2);
    }

    @Test
    void propertiesAlreadyAreLeftAsTheyAre() throws Exception {
        assertThat(V25__quartz_job_data_as_properties.asProperties("a=b\n".getBytes(StandardCharsets.ISO_8859_1), "job")).isNull();
        assertThat(V25__quartz_job_data_as_properties.asProperties(new byte[0], "job")).isNull();
    }

    @Test
    void aValueThatIsNoTextOrAClassOutsideMapsIsRefused() throws Exception {
        JobDataMap counted = new JobDataMap();
        counted.put("count", 3);
        assertThatThrownBy(() -> V25__quartz_job_data_as_properties.asProperties(serialized(counted), "etl.qrtz_triggers row (0,1)"))
                .hasMessage("etl.qrtz_triggers row (0,1): Quartz job data count holds a java.lang.Integer, not a text; "
                        + "it cannot be kept as properties");
        JobDataMap foreign = new JobDataMap();
        foreign.put("file", new java.io.File("/tmp"));
        assertThatThrownBy(() -> V25__quartz_job_data_as_properties.asProperties(serialized(foreign), "job"))
                .isInstanceOf(InvalidClassException.class);
    }

    private static byte[] serialized(Object o) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(o);
        }
        return out.toByteArray();
    }
}
