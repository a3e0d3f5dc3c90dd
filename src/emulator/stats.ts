/** What `GET /_emulator/stats` reports: request counts by route and status, and chunk bytes received. */
export class Stats {
  private readonly requests = new Map<string, Map<number, number>>();
  private bytes = 0;

  record(label: string, status: number): void {
    let byStatus = this.requests.get(label);
    if (!byStatus) {
      byStatus = new Map();
      this.requests.set(label, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  addBytes(count: number): void {
    this.bytes += count;
  }

  toJSON(): { requests: Record<string, Record<string, number>>; bytes_received: number } {
    const requests: Record<string, Record<string, number>> = {};
    for (const [label, byStatus] of this.requests) {
      requests[label] = Object.fromEntries([...byStatus].map(([status, count]) => [String(status), count]));
    }
    return { requests, bytes_received: this.bytes };
  }
}
