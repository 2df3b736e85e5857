// Binary detection. Known binary extensions are skipped without opening the file; anything
// else is sniffed from a small prefix (a NUL byte, or many control bytes, means binary). PDFs
// are not here: their text is extracted (see documents.ts).

const BINARY_EXTENSIONS = new Set(
  ('png jpg jpeg gif bmp ico icns webp tif tiff psd avif heic mp3 mp4 m4a wav ogg flac mov avi mkv webm ' +
    'zip gz tgz bz2 xz 7z rar tar zst jar war ear whl egg apk dmg iso img bin exe dll so dylib o a lib obj ' +
    'class pyc pyo pyd wasm node doc docx xls xlsx ppt pptx odt ttf otf woff woff2 eot sqlite db ' +
    'parquet avro npy npz pkl pt onnx gguf safetensors h5 mo').split(' '),
);

export const SNIFF_BYTES = 8192;

export function hasBinaryExtension(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot >= 0 && BINARY_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

/** Looks at up to SNIFF_BYTES of a file's start. UTF-16 with a BOM counts as text. */
export function looksBinary(prefix: Uint8Array): boolean {
  const n = Math.min(prefix.length, SNIFF_BYTES);
  if (n >= 2 && ((prefix[0] === 0xff && prefix[1] === 0xfe) || (prefix[0] === 0xfe && prefix[1] === 0xff))) return false;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = prefix[i]!;
    if (b === 0) return true;
    // Control bytes other than tab, LF, VT, FF, CR and ESC are rare in text.
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) control++;
  }
  return n > 0 && control / n > 0.1;
}
