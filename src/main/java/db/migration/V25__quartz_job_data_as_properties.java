package db.migration;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Quartz keeps its jobs' and triggers' data as text properties from now on
 * (org.quartz.jobStore.useProperties in application.yml) rather than as serialized Java objects,
 * which Quartz would deserialize from the warehouse at every read: whoever could write those
 * tables could make the service run code. The data already stored (written by Camel's Quartz
 * endpoints: texts only) is read once here, with a filter that admits Quartz's and java.util's
 * map classes and nothing else, and written back as properties; the schedules, their next fires
 * and their paused states stay as they were.
 */
public class V25__quartz_job_data_as_properties extends BaseJavaMigration {

    private static final List<String> TABLES = List.of("etl.qrtz_job_details", "etl.qrtz_triggers");
    private static final ObjectInputFilter MAPS = ObjectInputFilter.Config.createFilter(
            "maxdepth=10;maxrefs=10000;maxbytes=1048576;org.quartz.**;java.util.*;java.lang.*;!*");

    @Override
    public void migrate(Context context) throws Exception {
        for (String table : TABLES) {
            List<String[]> rows = new ArrayList<>();
            List<byte[]> converted = new ArrayList<>();
            try (Statement st = context.getConnection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT ctid::text, job_data FROM " + table + " WHERE job_data IS NOT NULL")) {
                while (rs.next()) {
                    byte[] properties = asProperties(rs.getBytes(2), table + " row " + rs.getString(1));
                    if (properties != null) {
                        rows.add(new String[] {rs.getString(1)});
                        converted.add(properties);
                    }
                }
            }
            try (PreparedStatement ps = context.getConnection().prepareStatement(
                    "UPDATE " + table + " SET job_data = ? WHERE ctid = ?::tid")) {
                for (int i = 0; i < rows.size(); i++) {
                    ps.setBytes(1, converted.get(i));
                    ps.setString(2, rows.get(i)[0]);
                    ps.executeUpdate();
                }
            }
        }
    }

    /**
     * A serialized map's entries as Quartz writes properties; null when the data is no serialized Java
     * object (properties already, or empty). A value that is not a text is refused, naming its key.
     */
    static byte[] asProperties(byte[] data, String where) throws IOException, ClassNotFoundException {
        if (data.length < 2 || (data[0] & 0xff) != 0xac || (data[1] & 0xff) != 0xed) {
            return null;
        }
        Object read;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            in.setObjectInputFilter(MAPS);
            read = in.readObject();
        }
        if (!(read instanceof Map<?, ?> map)) {
            throw new IllegalStateException(where + ": Quartz job data is a " + read.getClass().getName() + ", not a map");
        }
        Properties properties = new Properties();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof String value)) {
                throw new IllegalStateException(where + ": Quartz job data " + e.getKey() + " holds a "
                        + (e.getValue() == null ? "null" : e.getValue().getClass().getName()) + ", not a text; it cannot be kept "
                        + "as properties");
            }
            properties.setProperty(key, value);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        properties.store(out, "");
        return out.toByteArray();
    }
}
