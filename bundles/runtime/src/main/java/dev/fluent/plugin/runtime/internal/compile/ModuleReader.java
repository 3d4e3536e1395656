package dev.fluent.plugin.runtime.internal.compile;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TagSection;
import com.dylibso.chicory.wasm.types.TypeSection;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.io.ByteArrayInputStream;
import java.util.List;

/** Reads a {@code plugin.wasm} into Chicory's model of it: whole and validated, or without its code. */
public final class ModuleReader {

    /** Every section id of the WebAssembly 2.0 core spec (and the exception-handling tag section) but code (10). */
    private static final int[] SECTIONS_BUT_CODE = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13};
    /** A function body that is a single {@code unreachable}. */
    private static final FunctionBody TRAPPING_BODY = new FunctionBody(List.of(), List.of(AnnotatedInstruction.builder()
            .from(new Instruction(0, OpCode.UNREACHABLE, new long[0])).build()));

    private ModuleReader() {
    }

    /** Parses and validates the module; anything wrong with it is WASM_INVALID. */
    public static WasmModule parse(String id, byte[] wasm) throws PluginException {
        try {
            return Parser.parse(wasm);
        } catch (RuntimeException | StackOverflowError e) {
            throw invalidModule(id, e);
        }
    }

    /**
     * Parses a module this installation compiled before (its compiled classes are at hand), without
     * validating it again or decoding its code section; see {@link #withoutCode}.
     */
    public static WasmModule parseWithoutCode(String id, byte[] wasm, String checksum) throws PluginException {
        try {
            return withoutCode(wasm, checksum);
        } catch (RuntimeException | StackOverflowError e) {
            throw invalidModule(id, e);
        }
    }

    private static PluginException invalidModule(String id, Throwable e) {
        return new PluginException(ErrorCode.WASM_INVALID, id,
                "plugin.wasm is not a valid WebAssembly module: " + describe(e));
    }

    /**
     * The module with every section but code, which is not even decoded; in its place one body per
     * function that traps at once. Only for a module whose compiled classes are at hand: they never
     * look at the bodies (the compiler falls back to the interpreter for no function: InterpreterFallback.FAIL).
     */
    private static WasmModule withoutCode(byte[] wasm, String checksum) {
        Parser.Builder parser = Parser.builder().withValidation(false);
        for (int section : SECTIONS_BUT_CODE) {
            parser.includeSectionId(section);
        }
        WasmModule.Builder module = WasmModule.builder().withValidation(false).withDigest(checksum);
        int[] functions = {0};
        parser.build().parse(new ByteArrayInputStream(wasm), section -> {
            if (section instanceof CustomSection s) {
                module.addCustomSection(s.name(), s);
            } else if (section instanceof TypeSection s) {
                module.setTypeSection(s);
            } else if (section instanceof ImportSection s) {
                module.setImportSection(s);
            } else if (section instanceof FunctionSection s) {
                module.setFunctionSection(s);
                functions[0] = s.functionCount();
            } else if (section instanceof TableSection s) {
                module.setTableSection(s);
            } else if (section instanceof MemorySection s) {
                module.setMemorySection(s);
            } else if (section instanceof GlobalSection s) {
                module.setGlobalSection(s);
            } else if (section instanceof ExportSection s) {
                module.setExportSection(s);
            } else if (section instanceof StartSection s) {
                module.setStartSection(s);
            } else if (section instanceof ElementSection s) {
                module.setElementSection(s);
            } else if (section instanceof DataSection s) {
                module.setDataSection(s);
            } else if (section instanceof DataCountSection s) {
                module.setDataCountSection(s);
            } else if (section instanceof TagSection s) {
                module.setTagSection(s);
            }
        });
        CodeSection.Builder standIn = CodeSection.builder();
        for (int i = 0; i < functions[0]; i++) {
            standIn.addFunctionBody(TRAPPING_BODY);
        }
        return module.setCodeSection(standIn.build()).build();
    }

    /** The message of a failure, or its type when it has none. */
    public static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
