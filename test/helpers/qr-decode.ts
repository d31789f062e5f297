import jsQR from 'jsqr';

/** Reads back the QR code of an SVG made by the `qrcode` package: path runs → pixels → jsQR. */
export function decodeQrSvg(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1];
  if (!size || !d) return null;
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, op, args] of d.matchAll(/([Mmh])([^Mmh]*)/g)) {
    const n = args.trim().split(/[\s,]+/).map(Number);
    if (op === 'M') [x, y] = n;
    else if (op === 'm') {
      x += n[0];
      y += n[1];
    } else {
      for (let i = 0; i < n[0]; i++) dark.add(`${x + i},${Math.floor(y)}`);
      x += n[0];
    }
  }
  const scale = 8;
  const w = size * scale;
  const pixels = new Uint8ClampedArray(w * w * 4);
  for (let py = 0; py < w; py++) {
    for (let px = 0; px < w; px++) {
      const v = dark.has(`${Math.floor(px / scale)},${Math.floor(py / scale)}`) ? 0 : 255;
      pixels.set([v, v, v, 255], (py * w + px) * 4);
    }
  }
  return jsQR(pixels, w, w)?.data ?? null;
}
