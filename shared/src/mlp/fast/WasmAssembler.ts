/**
 * A tiny WebAssembly assembler: just enough of the binary format (MVP plus the
 * fixed-width SIMD proposal, which every current browser and Node ≥ 16 ship)
 * to emit the MLP kernels of this folder at run time, specialised to one
 * network shape. Nothing is downloaded or precompiled: the bytes are built
 * here, from TypeScript, whenever a new shape is first used.
 *
 * Why generate code instead of shipping one fixed module: the layer widths
 * become immediate offsets and unrolled loops, which is most of the speed.
 *
 * Only what the kernels use is here; opcodes are from the WebAssembly core
 * spec §5.4 and the SIMD proposal's binary table.
 *
 * @example
 *   const m = new WasmModule();
 *   const f = m.func('add1', ['f64'], ['f64']);
 *   f.localGet(0).f64Const(1).op(OP.f64Add);
 *   const inst = new WebAssembly.Instance(new WebAssembly.Module(m.bytes()), {});
 */
export type ValType = 'i32' | 'f64' | 'v128';

const TYPE_CODE: Record<ValType, number> = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

/** Single-byte MVP opcodes. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64ConvertI32S: 0xb7,
} as const;

/** SIMD opcodes (prefix 0xfd, then this number as unsigned LEB128). */
export const SIMD = {
  v128Load: 0x00,
  v128Load64Splat: 0x0a,
  v128Store: 0x0b,
  v128Const: 0x0c,
  f64x2Splat: 0x14,
  f64x2ExtractLane: 0x21,
  f64x2Eq: 0x47,
  f64x2Gt: 0x4a,
  v128And: 0x4e,
  v128AndNot: 0x4f,
  v128Or: 0x50,
  v128Bitselect: 0x52,
  i64x2Shl: 0xcb,
  i64x2ShrU: 0xcd,
  i64x2Add: 0xce,
  i64x2Sub: 0xd1,
  f64x2Abs: 0xec,
  f64x2Neg: 0xed,
  f64x2Sqrt: 0xef,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Div: 0xf3,
  f64x2Min: 0xf4,
  f64x2Max: 0xf5,
} as const;

function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function sleb(out: number[], v: number): void {
  // 32-bit signed values only (all the kernels need).
  v |= 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

const f64Scratch = new Float64Array(1);
const f64Bytes = new Uint8Array(f64Scratch.buffer);

/** One function body under construction. Methods chain; locals are numbered after the params. */
export class WasmFunction {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly name: string | null,
    readonly params: ValType[],
    readonly results: ValType[],
  ) {}

  /** Declares a new local and returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  op(...codes: number[]): this {
    for (const c of codes) this.code.push(c);
    return this;
  }
  simd(code: number): this {
    this.code.push(0xfd);
    uleb(this.code, code);
    return this;
  }
  localGet(i: number): this {
    this.code.push(OP.localGet);
    uleb(this.code, i);
    return this;
  }
  localSet(i: number): this {
    this.code.push(OP.localSet);
    uleb(this.code, i);
    return this;
  }
  localTee(i: number): this {
    this.code.push(OP.localTee);
    uleb(this.code, i);
    return this;
  }
  i32Const(v: number): this {
    this.code.push(OP.i32Const);
    sleb(this.code, v);
    return this;
  }
  f64Const(v: number): this {
    this.code.push(OP.f64Const);
    f64Scratch[0] = v;
    for (let i = 0; i < 8; i++) this.code.push(f64Bytes[i]);
    return this;
  }
  /** v128.const with both f64 lanes equal to v. (A splat-load from a constant table in memory measured slower in V8.) */
  f64x2Const(v: number): this {
    this.simd(SIMD.v128Const);
    f64Scratch[0] = v;
    for (let k = 0; k < 2; k++) for (let i = 0; i < 8; i++) this.code.push(f64Bytes[i]);
    return this;
  }
  /** v128.const with both i64 lanes equal to hi·2^32 + lo (hi, lo as unsigned 32-bit). */
  i64x2Const(hi: number, lo: number): this {
    this.simd(SIMD.v128Const);
    for (let k = 0; k < 2; k++) {
      for (let i = 0; i < 4; i++) this.code.push((lo >>> (8 * i)) & 0xff);
      for (let i = 0; i < 4; i++) this.code.push((hi >>> (8 * i)) & 0xff);
    }
    return this;
  }
  private memarg(align: number, offset: number): void {
    uleb(this.code, align);
    uleb(this.code, offset);
  }
  /** v128.load at (address on stack) + offset bytes. */
  vLoad(offset = 0): this {
    this.simd(SIMD.v128Load);
    this.memarg(4, offset);
    return this;
  }
  /** Loads one f64 and splats it to both lanes. */
  vLoadSplat(offset = 0): this {
    this.simd(SIMD.v128Load64Splat);
    this.memarg(3, offset);
    return this;
  }
  vStore(offset = 0): this {
    this.simd(SIMD.v128Store);
    this.memarg(4, offset);
    return this;
  }
  f64Load(offset = 0): this {
    this.code.push(OP.f64Load);
    this.memarg(3, offset);
    return this;
  }
  i32Load(offset = 0): this {
    this.code.push(OP.i32Load);
    this.memarg(2, offset);
    return this;
  }
  f64Store(offset = 0): this {
    this.code.push(OP.f64Store);
    this.memarg(3, offset);
    return this;
  }
  lane(i: 0 | 1): this {
    this.simd(SIMD.f64x2ExtractLane);
    this.code.push(i);
    return this;
  }
  /** `block` / `loop` with no result. */
  block(): this {
    return this.op(OP.block, 0x40);
  }
  loop(): this {
    return this.op(OP.loop, 0x40);
  }
  end(): this {
    return this.op(OP.end);
  }
  br(depth: number): this {
    this.code.push(OP.br);
    uleb(this.code, depth);
    return this;
  }
  brIf(depth: number): this {
    this.code.push(OP.brIf);
    uleb(this.code, depth);
    return this;
  }
  /** local[i] += delta (i32). */
  incr(i: number, delta: number): this {
    return this.localGet(i).i32Const(delta).op(OP.i32Add).localSet(i);
  }

  /** The function body (locals declaration + code + end). */
  body(): number[] {
    const out: number[] = [];
    // Run-length encode the local declarations.
    const groups: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(out, groups.length);
    for (const [n, t] of groups) {
      uleb(out, n);
      out.push(TYPE_CODE[t]);
    }
    for (const c of this.code) out.push(c);
    out.push(OP.end);
    return out;
  }
}

/** A module of functions that share one imported memory (`env.mem`). */
export class WasmModule {
  private readonly funcs: WasmFunction[] = [];

  constructor(private readonly minPages = 1) {}

  func(name: string | null, params: ValType[], results: ValType[]): WasmFunction {
    const f = new WasmFunction(name, params, results);
    this.funcs.push(f);
    return f;
  }

  bytes(): Uint8Array {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, content: number[]) => {
      out.push(id);
      uleb(out, content.length);
      for (const b of content) out.push(b);
    };
    const str = (o: number[], s: string) => {
      uleb(o, s.length);
      for (let i = 0; i < s.length; i++) o.push(s.charCodeAt(i));
    };
    // Type section: one signature per function (duplicates are harmless).
    const types: number[] = [];
    uleb(types, this.funcs.length);
    for (const f of this.funcs) {
      types.push(0x60);
      uleb(types, f.params.length);
      for (const p of f.params) types.push(TYPE_CODE[p]);
      uleb(types, f.results.length);
      for (const r of f.results) types.push(TYPE_CODE[r]);
    }
    section(1, types);
    const imports: number[] = [];
    uleb(imports, 1);
    str(imports, 'env');
    str(imports, 'mem');
    imports.push(0x02, 0x00);
    uleb(imports, this.minPages);
    section(2, imports);
    const fsec: number[] = [];
    uleb(fsec, this.funcs.length);
    this.funcs.forEach((_, i) => uleb(fsec, i));
    section(3, fsec);
    const exps: number[] = [];
    const named = this.funcs.map((f, i) => [f.name, i] as const).filter(([n]) => n !== null);
    uleb(exps, named.length);
    for (const [n, i] of named) {
      str(exps, n as string);
      exps.push(0x00);
      uleb(exps, i);
    }
    section(7, exps);
    const code: number[] = [];
    uleb(code, this.funcs.length);
    for (const f of this.funcs) {
      const b = f.body();
      uleb(code, b.length);
      for (const x of b) code.push(x);
    }
    section(10, code);
    return Uint8Array.from(out);
  }
}
