/**
 * Saves a file the host made (a CSV export) through the browser's download: web mode's browser, or the desktop
 * shell's save dialog, which handles the same download.
 */
export function saveFile(file: { filename: string; csv: string }): void {
  const url = URL.createObjectURL(new Blob([file.csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.click();
  // The download has the blob by the next task; the URL is not needed after that.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
