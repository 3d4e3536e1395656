package dev.fluent.plugin.host.filesystem.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code dev.fluent.plugin.host.filesystem}, read by both providers of this bundle; every key
 * is optional. docs/capabilities.md describes them. The method names give the keys by the rules of
 * Declarative Services: {@code __} stands for {@code _}, so {@code max__calls__per__execution()} is
 * {@code max_calls_per_execution}. Whole numbers are {@code long}, so that a value past a bound is brought
 * within it rather than refused. Public for the command line, which builds the providers outside OSGi.
 */
@ObjectClassDefinition(name = "Fluent Plugin Platform: FileSystemRead and FileSystemWrite",
        description = "Quotas of the file host functions fs_read and fs_write: per execution, and per plugin on its "
                + "data folder. The manifest's max_file_size_mb still caps each file.")
public @interface FileSystemConfig {

    @AttributeDefinition(name = "File calls per execution", min = "1", max = "1000000",
            description = "fs_read and fs_write calls one execution may make together; one more fails the "
                    + "execution with LIMIT_EXCEEDED.")
    long max__calls__per__execution() default FileSystemSettings.DEFAULT_CALLS;

    @AttributeDefinition(name = "Bytes written per execution", min = "0", max = "1099511627776",
            description = "Bytes the fs_write calls of one execution may write together; a write that would go "
                    + "past fails the execution with LIMIT_EXCEEDED before any of its bytes is written.")
    long max__bytes__written__per__execution() default FileSystemSettings.DEFAULT_BYTES_WRITTEN;

    @AttributeDefinition(name = "Files created per execution", min = "0", max = "1000000",
            description = "Files one execution may create (writes to files that exist do not count); one more "
                    + "fails the execution with LIMIT_EXCEEDED.")
    long max__files__created__per__execution() default FileSystemSettings.DEFAULT_FILES_CREATED;

    @AttributeDefinition(name = "Bytes stored per plugin", min = "0", max = "1099511627776",
            description = "Bytes one plugin's data folder may hold: the sizes of everything in it, each file, "
                    + "folder or other entry counted as at least 4096 bytes. A write under the data folder that "
                    + "would go past fails the execution with LIMIT_EXCEEDED; writes that do not grow it pass.")
    long max__bytes__stored__per__plugin() default FileSystemSettings.DEFAULT_BYTES_STORED;
}
