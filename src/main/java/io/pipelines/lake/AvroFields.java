package io.pipelines.lake;

import org.apache.avro.Schema;

/** The fields of landed records: every one nullable, a union of null and the type of its values. */
public final class AvroFields {

    private AvroFields() {
    }

    /** The type of a field's values: the union's branch that is not null (a schema that is no union, itself). */
    public static Schema valueType(Schema field) {
        if (field.getType() == Schema.Type.UNION) {
            return field.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
        }
        return field;
    }
}
