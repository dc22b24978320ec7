/** Packing failed (escaping symlink, unreadable file, file changed while packing…). */
export class PackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackError';
  }
}
