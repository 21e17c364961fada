import type { WasmModule } from './WasmAssembler';

/**
 * Compiled kernels, one per shape key, shared by every evaluator and trainer
 * of that shape in this thread (compiling takes milliseconds; instantiating
 * a compiled module takes microseconds).
 *
 * Two paths because browsers forbid synchronous compilation of modules over
 * 4 KB on the main thread (Chrome throws a RangeError): Node and workers may
 * use `instantiateSync`; a page's main thread must use `instantiateAsync`.
 */
const cache = new Map<string, WebAssembly.Module>();

export function instantiateSync(key: string, build: () => WasmModule, mem: WebAssembly.Memory): WebAssembly.Instance {
  let module = cache.get(key);
  if (!module) {
    module = new WebAssembly.Module(build().bytes() as BufferSource);
    cache.set(key, module);
  }
  return new WebAssembly.Instance(module, { env: { mem } });
}

export async function instantiateAsync(key: string, build: () => WasmModule, mem: WebAssembly.Memory): Promise<WebAssembly.Instance> {
  let module = cache.get(key);
  if (!module) {
    module = await WebAssembly.compile(build().bytes() as BufferSource);
    cache.set(key, module);
  }
  return WebAssembly.instantiate(module, { env: { mem } });
}
