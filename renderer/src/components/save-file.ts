/**
 * Saves a file the host made (a CSV export, a recorded session) through the browser's download: web mode's
 * browser, or the desktop shell's save dialog, which handles the same download.
 */
export function saveFile(file: { filename: string; csv: string }): void {
  saveBlob(file.filename, new Blob([file.csv], { type: 'text/csv;charset=utf-8' }));
}

/** Saves bytes (a session file) under `filename`. */
export function saveBytes(filename: string, bytes: Uint8Array): void {
  saveBlob(filename, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
}

function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  // The download has the blob by the next task; the URL is not needed after that.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
