import QRCode from 'qrcode';

/** A QR code as a standalone SVG document (server-rendered, no script). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
