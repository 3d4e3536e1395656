package dev.fluent.example.sql.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * {@code etc/dev.fluent.example.sql.cfg}. Method names map to keys by the Declarative Services rules:
 * {@code max__rows} is {@code max_rows}, {@code dataSource_target} is {@code dataSource.target}.
 */
@ObjectClassDefinition(name = "SQL query capability (extension kit)",
        description = "Which DataSource plugins holding dev.fluent.example.SqlQuery read, and how much per execution.")
public @interface SqlQueryConfiguration {

    @AttributeDefinition(name = "DataSource", description = "LDAP filter selecting the javax.sql.DataSource"
            + " service to query, e.g. (dataSourceName=plugins) for the one pax-jdbc-config makes of"
            + " etc/org.ops4j.datasource-plugins.cfg. Its database user should hold only SELECT rights.")
    String dataSource_target() default "(dataSourceName=plugins)";

    @AttributeDefinition(name = "Rows per execution", description = "Most rows all queries of one execution may"
            + " return together; a query that would pass it ends the execution with LIMIT_EXCEEDED.")
    int max__rows() default 1000;

    @AttributeDefinition(name = "Bytes per execution", description = "Most bytes of JSON all queries of one"
            + " execution may return together; a query that would pass it ends the execution with LIMIT_EXCEEDED.")
    int max__bytes() default 1_048_576;

    @AttributeDefinition(name = "Queries per execution", description = "Most query calls one execution may make.")
    int max__queries() default 100;

    @AttributeDefinition(name = "Query timeout (seconds)", description = "Longest a query may run; less when the"
            + " execution's own deadline is nearer.")
    int query__timeout__seconds() default 10;

    @AttributeDefinition(name = "Fetch size", description = "Rows the driver fetches per round trip.")
    int fetch__size() default 100;

    @AttributeDefinition(name = "Statement bytes", description = "Longest statement text, and longest parameter"
            + " array, in bytes.")
    int max__statement__bytes() default 16_384;
}
