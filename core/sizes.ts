/**
 * "812 bytes", "120 KB", "1.4 MB": a size as people read it. A megabyte is 1,048,576 bytes, as the
 * attachment limit counts it (`LONGHAND_REPLY_ATTACHMENTS_MB`).
 */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}
