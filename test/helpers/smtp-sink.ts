// A real SMTP peer for tests: records every message it accepts (parsed with
// mailparser) and can be told to answer 4xx or 5xx.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

export interface Refusal {
  code: number;
  message: string;
  /** Only these recipients (lower-case); all when absent. */
  recipients?: string[];
}

export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private refusal: Refusal | undefined;
  private server: SMTPServer;
  private waiters: Array<() => void> = [];
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 10 * 1024 * 1024,
      onRcptTo: (address, _session, callback) => {
        const refusal = this.refusal;
        if (refusal && (!refusal.recipients || refusal.recipients.includes(address.address.toLowerCase()))) {
          const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
          callback(error);
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              this.messages.push({
                envelope: {
                  from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                  to: session.envelope.rcptTo.map((r) => r.address),
                },
                raw,
                parsed,
              });
              this.waiters.splice(0).forEach((wake) => wake());
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    // A client that dies mid-session (a worker killed with SIGKILL) resets its
    // connection; that is the scenario, not an error of the sink.
    this.server.on('error', () => {});
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Answer RCPT TO with this code (e.g. 451 transient, 550 permanent) until cleared. */
  refuse(refusal: Refusal | undefined): void {
    this.refusal = refusal;
  }

  to(address: string): ReceivedMail[] {
    const wanted = address.toLowerCase();
    return this.messages.filter((m) => m.envelope.to.some((t) => t.toLowerCase() === wanted));
  }

  /** Resolves once at least `count` messages (matching `filter`) have arrived. */
  async waitFor(
    count: number,
    options: { timeoutMs?: number; filter?: (m: ReceivedMail) => boolean } = {},
  ): Promise<ReceivedMail[]> {
    const filter = options.filter ?? (() => true);
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const matching = this.messages.filter(filter);
      if (matching.length >= count) return matching;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`SMTP sink: expected ${count} messages, got ${matching.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  clear(): void {
    this.messages.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
