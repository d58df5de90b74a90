// An SMTP sink that can go down and come back on the same port, keeping one
// record of everything it accepted across restarts. Like test/digest's
// QuickSink it reads only the header block (Message-ID), so hundreds of
// messages cost nothing; unlike it, `down()` drops every open connection at
// once (a relay that died) and `up()` listens again on the same port with a
// fresh server, because a closed smtp-server keeps answering 421 forever.
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  to: string;
  messageId: string;
  subject: string;
  at: number;
}

export class FaultSink {
  readonly messages: SinkMessage[] = [];
  /** Milliseconds before each message is accepted: keeps messages in flight when a fault lands. */
  delayMs = 0;
  port = 0;
  private server: SMTPServer | undefined;
  private sockets = new Set<Socket>();

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  async up(): Promise<this> {
    if (this.server) return this;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      maxClients: 200,
      onData: (stream, session, callback) => {
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          if (head.length < 16_384) head += chunk.toString('latin1');
        });
        stream.on('end', () => {
          const end = head.indexOf('\r\n\r\n');
          const headers = (end >= 0 ? head.slice(0, end) : head).replace(/\r\n[ \t]+/g, ' ');
          const messageId = /^Message-ID:\s*(\S+)/im.exec(headers)?.[1] ?? '';
          const subject = /^Subject:\s*(.*)$/im.exec(headers)?.[1] ?? '';
          const accept = () => {
            // A message whose connection died while it waited was never accepted.
            if (this.server !== server) return callback(new Error('shutting down'));
            for (const rcpt of session.envelope.rcptTo)
              this.messages.push({ to: rcpt.address.toLowerCase(), messageId, subject, at: Date.now() });
            callback();
          };
          if (this.delayMs) setTimeout(accept, this.delayMs);
          else accept();
        });
      },
    });
    server.on('error', () => {});
    server.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** The relay dies: no more connections, open ones cut, messages mid-DATA never accepted. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  async waitFor(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`fault sink: expected ${count} messages, got ${this.messages.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
