/**
 * WebGL or Canvas 2D for the arena. On a real GPU, WebGL; where WebGL is
 * emulated in software (SwiftShader, llvmpipe: school VMs, old laptops,
 * headless browsers), Canvas 2D is several times faster for our scene (a
 * static terrain picture, lines and small shapes): measured 60 vs 12 fps with
 * 40 racers in headless Chromium (test/bench/client.bench.ts).
 */
export function pickRenderer(doc: Document = document): 'webgl' | 'canvas' {
  try {
    const probe = doc.createElement('canvas');
    const fast = probe.getContext('webgl', { failIfMajorPerformanceCaveat: true });
    if (!fast) return 'canvas';
    const info = fast.getExtension('WEBGL_debug_renderer_info');
    const name = info ? String(fast.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    fast.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software|basic render/i.test(name) ? 'canvas' : 'webgl';
  } catch {
    return 'canvas';
  }
}
