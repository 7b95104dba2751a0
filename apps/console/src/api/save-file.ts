/** Hands a file to the browser's download, as a link to a Blob URL that is revoked at once. */
export function saveFile(
  content: Blob | string,
  fileName: string,
  type = "application/octet-stream",
) {
  const blob = typeof content === "string" ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
