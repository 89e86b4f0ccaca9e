/**
 * Saves a downloaded file: an object URL and a temporary `<a download>`
 * (the request needed the user's token, so a plain link would not do).
 */
export function saveFile(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
    // Give the browser the time to start the download.
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }
}
