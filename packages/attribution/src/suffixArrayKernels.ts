/**
 * The long loops of the suffix-array builder (`suffixArray.ts`), twice: compiled from
 * `native/suffixArray.c` to WebAssembly, and in TypeScript. A call runs the WebAssembly kernel when
 * every array it is given lives in the memory of a {@link BuildArena} (the fast path: the segment
 * builder lays its text out there), else the TypeScript one; both give identical results (tested).
 * Each call covers a bounded range, so the builder can yield to the event loop between calls, and
 * the WebAssembly functions, called many times, are soon running optimized code.
 */
import { suffixArrayWasmBase64 } from './suffixArrayWasm.js';

/** Token arrays the suffix-array builder accepts. */
export type SymbolArray = Uint16Array | Uint32Array;

/** Distance, in entries, at which the TypeScript induction passes touch upcoming text positions. */
const PREFETCH = 32;

/** The kernels, by their TypeScript signatures (ranges as in native/suffixArray.c). */
export type Kernels = {
  count(T: SymbolArray, C: Int32Array, from: number, to: number): void;
  seed(T: SymbolArray, SA: Int32Array, B: Int32Array, st: Int32Array, from: number, to: number): number;
  induceL(T: SymbolArray, SA: Int32Array, B: Int32Array, from: number, to: number, zero: boolean): void;
  induceS(T: SymbolArray, SA: Int32Array, B: Int32Array, from: number, to: number, zero: boolean): void;
  lengths(T: SymbolArray, half: Int32Array, st: Int32Array, from: number, to: number): void;
  name(
    T: SymbolArray,
    SA: Int32Array,
    half: Int32Array,
    n: number,
    st: Int32Array,
    from: number,
    to: number,
  ): void;
  positions(T: SymbolArray, out: Int32Array, st: Int32Array, from: number, to: number): void;
  place(T: SymbolArray, SA: Int32Array, B: Int32Array, from: number, to: number): void;
  compact(SA: Int32Array, from: number, to: number, k: number): number;
  gather(SA: Int32Array, from: number, to: number, j: number): number;
  invert(T1: Int32Array, SA1: Int32Array, from: number, to: number): void;
  mapRanks(SA1: Int32Array, positions: Int32Array, from: number, to: number): void;
};

/** The TypeScript kernels. */
export const scriptKernels: Kernels = {
  count(T, C, from, to) {
    for (let i = from; i < to; i++) C[T[i]!]!++;
  },
  seed(T, SA, B, st, from, to) {
    let nextS = st[0]!;
    let next = st[1]!;
    let placed = 0;
    for (let i = from; i > to; i--) {
      const c = T[i]!;
      const s = c < next || (c === next && nextS === 1) ? 1 : 0;
      if (s === 0 && nextS === 1) {
        SA[--B[next]!] = i + 1;
        placed++;
      }
      nextS = s;
      next = c;
    }
    st[0] = nextS;
    st[1] = next;
    return placed;
  },
  induceL(T, SA, B, from, to, zero) {
    let bucket = 0;
    let b = B[0]!;
    let sink = 0;
    const last = SA.length - 1;
    for (let i = from; i < to; i++) {
      // Reading the text a few entries ahead overlaps its cache misses with this work.
      const far = SA[Math.min(i + PREFETCH, last)]!;
      sink ^= T[far ^ (far >> 31)]!;
      const v = SA[i]!;
      if (v > 0) {
        if (zero) SA[i] = 0;
        const j = v - 1;
        const c = T[j]!;
        if (c !== bucket) {
          B[bucket] = b;
          bucket = c;
          b = B[c]!;
        }
        SA[b++] = j > 0 && T[j - 1]! < c ? ~j : j;
      }
    }
    B[bucket] = b;
    if (sink === -1) B[0] = B[0]!;
  },
  induceS(T, SA, B, from, to, zero) {
    let bucket = 0;
    let b = B[0]!;
    let sink = 0;
    for (let i = from; i > to; i--) {
      const far = SA[Math.max(i - PREFETCH, 0)]!;
      sink ^= T[far ^ (far >> 31)]!;
      const v = SA[i]!;
      if (v < 0) {
        const p = ~v;
        SA[i] = zero ? 0 : p;
        const j = p - 1;
        const c = T[j]!;
        if (c !== bucket) {
          B[bucket] = b;
          bucket = c;
          b = B[c]!;
        }
        SA[--b] = j > 0 && T[j - 1]! <= c ? ~j : j;
      }
    }
    B[bucket] = b;
    if (sink === -1) B[0] = B[0]!;
  },
  lengths(T, half, st, from, to) {
    let nextS = st[0]!;
    let next = st[1]!;
    let nextLms = st[2]!;
    for (let i = from; i > to; i--) {
      const c = T[i]!;
      const s = c < next || (c === next && nextS === 1) ? 1 : 0;
      if (s === 0 && nextS === 1) {
        const p = i + 1;
        half[p >> 1] = nextLms - p + 1;
        nextLms = p;
      }
      nextS = s;
      next = c;
    }
    st[0] = nextS;
    st[1] = next;
    st[2] = nextLms;
  },
  name(T, SA, half, n, st, from, to) {
    let prev = st[0]!;
    let prevLength = st[1]!;
    let names = st[2]!;
    for (let k = from; k < to; k++) {
      const p = SA[k]!;
      const length = half[p >> 1]!;
      let differs = 1;
      // A substring that reaches the sentinel (p + length > n) is unique.
      if (prev >= 0 && length === prevLength && p + length <= n && prev + length <= n) {
        differs = 0;
        for (let d = 0; d < length; d++) {
          if (T[p + d] !== T[prev + d]) {
            differs = 1;
            break;
          }
        }
      }
      names += differs;
      half[p >> 1] = ~(names - 1);
      prev = p;
      prevLength = length;
    }
    st[0] = prev;
    st[1] = prevLength;
    st[2] = names;
  },
  positions(T, out, st, from, to) {
    let nextS = st[0]!;
    let next = st[1]!;
    let slot = st[2]!;
    for (let i = from; i > to; i--) {
      const c = T[i]!;
      const s = c < next || (c === next && nextS === 1) ? 1 : 0;
      if (s === 0 && nextS === 1) out[slot--] = i + 1;
      nextS = s;
      next = c;
    }
    st[0] = nextS;
    st[1] = next;
    st[2] = slot;
  },
  place(T, SA, B, from, to) {
    for (let i = from; i > to; i--) {
      const p = SA[i]!;
      SA[i] = 0;
      SA[--B[T[p]!]!] = p;
    }
  },
  compact(SA, from, to, k) {
    for (let i = from; i < to; i++) {
      const v = SA[i]!;
      if (v > 0) SA[k++] = v;
    }
    return k;
  },
  gather(SA, from, to, j) {
    for (let i = from; i > to; i--) {
      const v = SA[i]!;
      if (v < 0) SA[j--] = ~v;
    }
    return j;
  },
  invert(T1, SA1, from, to) {
    for (let i = from; i < to; i++) SA1[T1[i]!] = i;
  },
  mapRanks(SA1, positions, from, to) {
    for (let i = from; i < to; i++) SA1[i] = positions[SA1[i]!]!;
  },
};

type WasmExports = Record<string, (...args: number[]) => number>;

/**
 * Memory for one build in WebAssembly: the text, the suffix array, bucket arrays and a little
 * scratch, laid out once (the memory never grows, so views of it stay valid). Its kernels run the
 * WebAssembly code on arrays inside this memory and the TypeScript code otherwise.
 */
export type BuildArena = {
  /** The text: fill it, then build (`suffixArraySteps({ tokens, alphabetSize, arena })`). */
  tokens: SymbolArray;
  /** Where the suffix array is written. */
  sa: Int32Array;
  kernels: Kernels;
  /** Int32 arrays from the arena's spare space (null when it has no room left). */
  take(length: number): Int32Array | null;
};

export type CreateBuildArenaParameters = {
  /** Text length (tokens, separators included). */
  length: number;
  /** 2 for a `Uint16Array` text, 4 for `Uint32Array`. */
  tokenWidth: 2 | 4;
  alphabetSize: number;
  /**
   * Room for scratch beyond the top level's buckets (default 1 MiB): state blocks, and buckets of a
   * reduced problem that its spare suffix-array space cannot hold (those levels otherwise run with
   * plain arrays and the TypeScript kernels).
   */
  spareBytes?: number | undefined;
};

/** Largest WebAssembly memory (wasm32): 65,536 pages of 64 KiB. */
const maxPages = 65_536;
/**
 * The module's own part of the memory, before the arena: its data and a 64 KiB stack (fixed by
 * native/build.sh; the kernels keep their few locals in registers and never touch the stack).
 */
const moduleBytes = 2 * 65_536;

/** The part of the WebAssembly JavaScript API used here (a global the type libraries in use omit). */
type WasmApi = {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: object };
};

/**
 * Creates a build arena in a new WebAssembly memory, or returns null when WebAssembly is
 * unavailable or the memory cannot be had (too large, or the engine refuses): the caller then
 * builds with plain arrays and the TypeScript kernels.
 * @example
 * const arena = createBuildArena({ length: n, tokenWidth: 2, alphabetSize: K });
 */
export function createBuildArena(parameters: CreateBuildArenaParameters): BuildArena | null {
  const { length, tokenWidth, alphabetSize } = parameters;
  const align = (x: number) => Math.ceil(x / 8) * 8;
  const tokenBytes = align(length * tokenWidth);
  const saBytes = align(length * 4);
  // Buckets of the top level, state blocks, and room for the buckets of a recursion level whose
  // spare suffix-array space is too small (rare on text).
  const spareBytes = align(8 * alphabetSize) + align(parameters.spareBytes ?? 1 << 20);
  const pages = Math.ceil((moduleBytes + tokenBytes + saBytes + spareBytes) / 65_536);
  if (pages > maxPages) return null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return null;
  let buffer: ArrayBuffer;
  let exports: WasmExports;
  try {
    const memory = new api.Memory({ initial: pages, maximum: maxPages });
    exports = new api.Instance(wasmModule(api), { env: { memory } }).exports as WasmExports;
    buffer = memory.buffer;
  } catch {
    return null;
  }
  const tokens =
    tokenWidth === 2
      ? new Uint16Array(buffer, moduleBytes, length)
      : new Uint32Array(buffer, moduleBytes, length);
  const sa = new Int32Array(buffer, moduleBytes + tokenBytes, length);
  let free = moduleBytes + tokenBytes + saBytes;
  return {
    tokens,
    sa,
    kernels: wasmKernels(exports, buffer),
    take(count) {
      const bytes = align(count * 4);
      if (free + bytes > buffer.byteLength) return null;
      const view = new Int32Array(buffer, free, count);
      free += bytes;
      return view;
    },
  };
}

/** The compiled module, once per process (compiling it takes a millisecond or two). */
let compiled: object | undefined;
function wasmModule(api: WasmApi): object {
  compiled ??= new api.Module(Buffer.from(suffixArrayWasmBase64, 'base64'));
  return compiled;
}

/** Kernels that run the WebAssembly code on arrays in `buffer`, TypeScript's on others. */
function wasmKernels(e: WasmExports, buffer: ArrayBufferLike): Kernels {
  const inside = (...arrays: ArrayBufferView[]) => arrays.every((a) => a.buffer === buffer);
  const w = (T: SymbolArray) => (T.BYTES_PER_ELEMENT === 2 ? 'u16' : 'u32');
  const s = scriptKernels;
  return {
    count: (T, C, from, to) =>
      inside(T, C) ? void e[`count_${w(T)}`]!(T.byteOffset, C.byteOffset, from, to) : s.count(T, C, from, to),
    seed: (T, SA, B, st, from, to) =>
      inside(T, SA, B, st)
        ? e[`seed_${w(T)}`]!(T.byteOffset, SA.byteOffset, B.byteOffset, st.byteOffset, from, to)
        : s.seed(T, SA, B, st, from, to),
    induceL: (T, SA, B, from, to, zero) =>
      inside(T, SA, B)
        ? void e[`induce_l_${w(T)}`]!(T.byteOffset, SA.byteOffset, B.byteOffset, from, to, zero ? 1 : 0)
        : s.induceL(T, SA, B, from, to, zero),
    induceS: (T, SA, B, from, to, zero) =>
      inside(T, SA, B)
        ? void e[`induce_s_${w(T)}`]!(T.byteOffset, SA.byteOffset, B.byteOffset, from, to, zero ? 1 : 0)
        : s.induceS(T, SA, B, from, to, zero),
    lengths: (T, half, st, from, to) =>
      inside(T, half, st)
        ? void e[`lengths_${w(T)}`]!(T.byteOffset, half.byteOffset, st.byteOffset, from, to)
        : s.lengths(T, half, st, from, to),
    name: (T, SA, half, n, st, from, to) =>
      inside(T, SA, half, st)
        ? void e[`name_${w(T)}`]!(T.byteOffset, SA.byteOffset, half.byteOffset, n, st.byteOffset, from, to)
        : s.name(T, SA, half, n, st, from, to),
    positions: (T, out, st, from, to) =>
      inside(T, out, st)
        ? void e[`positions_${w(T)}`]!(T.byteOffset, out.byteOffset, st.byteOffset, from, to)
        : s.positions(T, out, st, from, to),
    place: (T, SA, B, from, to) =>
      inside(T, SA, B)
        ? void e[`place_${w(T)}`]!(T.byteOffset, SA.byteOffset, B.byteOffset, from, to)
        : s.place(T, SA, B, from, to),
    compact: (SA, from, to, k) =>
      inside(SA) ? e.compact!(SA.byteOffset, from, to, k) : s.compact(SA, from, to, k),
    gather: (SA, from, to, j) =>
      inside(SA) ? e.gather!(SA.byteOffset, from, to, j) : s.gather(SA, from, to, j),
    invert: (T1, SA1, from, to) =>
      inside(T1, SA1) ? void e.invert!(T1.byteOffset, SA1.byteOffset, from, to) : s.invert(T1, SA1, from, to),
    mapRanks: (SA1, positions, from, to) =>
      inside(SA1, positions)
        ? void e.map_ranks!(SA1.byteOffset, positions.byteOffset, from, to)
        : s.mapRanks(SA1, positions, from, to),
  };
}
