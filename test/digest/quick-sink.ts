// A fast SMTP peer for the volume tests: it reads only the header block of
// each message (Message-ID) and counts, no MIME parsing. It can answer with
// a code for a while, and accept slowly to keep messages in flight.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface QuickMessage {
  to: string;
  messageId: string;
}

export class QuickSink {
  readonly messages: QuickMessage[] = [];
  private server: SMTPServer;
  port = 0;
  delayMs = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      maxClients: 200,
      onData: (stream, session, callback) => {
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          if (head.length < 8192) head += chunk.toString('latin1');
        });
        stream.on('end', () => {
          const end = head.indexOf('\r\n\r\n');
          const headers = end >= 0 ? head.slice(0, end) : head;
          const messageId = /^Message-ID:\s*(\S+)/im.exec(headers)?.[1] ?? '';
          for (const rcpt of session.envelope.rcptTo) this.messages.push({ to: rcpt.address.toLowerCase(), messageId });
          if (this.delayMs) setTimeout(() => callback(), this.delayMs);
          else callback();
        });
      },
    });
    // A client that dies mid-session (a worker killed with SIGKILL) resets its
    // connection; that is the scenario, not an error of the sink.
    this.server.on('error', () => {});
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async waitFor(count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`quick sink: expected ${count} messages, got ${this.messages.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
