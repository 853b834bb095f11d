package io.pipelines.config;

import java.util.regex.Pattern;

/** Identifiers that come from configuration: checked against a plain-name pattern, then quoted. */
public final class SqlIdentifiers {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SqlIdentifiers() {
    }

    /** {@code name} quoted, or an error naming the setting when it is not a plain name. */
    public static String quote(String name, String setting) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(setting + ": '" + name + "' is not a plain SQL name ([A-Za-z_][A-Za-z0-9_]*)");
        }
        return '"' + name + '"';
    }

    /** {@code schema.table} quoted, or an error naming the setting. */
    public static String qualified(String schemaDotTable, String setting) {
        String[] parts = schemaDotTable == null ? new String[0] : schemaDotTable.split("\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException(setting + ": '" + schemaDotTable + "' is not of the form schema.table");
        }
        return quote(parts[0], setting) + "." + quote(parts[1], setting);
    }
}
