/**
 * The part of the WebAssembly JS API that `src/mlp/fast` uses. WebAssembly is a
 * language builtin in every engine we run on, but TypeScript only declares it
 * in the DOM and Node libraries, which `shared` must not see (it is pure). This
 * file is part of `shared`'s own typecheck only; the server and client programs
 * get the full declarations from their libraries.
 */
declare namespace WebAssembly {
  type ImportValue = Memory | ((...args: never[]) => unknown) | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  type ExportValue = Memory | ((...args: never[]) => unknown) | unknown;
  type Exports = Record<string, ExportValue>;
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  var Memory: { prototype: Memory; new (descriptor: MemoryDescriptor): Memory };
  interface Module {
    readonly __wasmModule?: never;
  }
  var Module: { prototype: Module; new (bytes: BufferSource): Module };
  interface Instance {
    readonly exports: Exports;
  }
  var Instance: { prototype: Instance; new (module: Module, imports?: Imports): Instance };
  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}
type BufferSource = ArrayBufferView | ArrayBuffer;
