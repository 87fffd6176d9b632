import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Model } from 'mongoose';
import { newId } from '../db/ids.js';
import type { OutboxDoc } from './outbox.model.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** True when mail really leaves (SMTP); false when it is kept in the outbox. */
  readonly delivers: boolean;
  send(mail: Mail): Promise<void>;
}

/** Sends through the SMTP server of `SMTP_URL`. */
export class SmtpMailer implements Mailer {
  readonly delivers = true;
  private readonly transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }
  async send(mail: Mail) {
    await this.transport.sendMail({ from: this.from, ...mail });
  }
}

/** Keeps mail in the database, readable at `GET /api/dev/outbox` (never in production). */
export class OutboxMailer implements Mailer {
  readonly delivers = false;
  constructor(
    private readonly outbox: Model<OutboxDoc>,
    private readonly now: () => Date,
  ) {}
  async send(mail: Mail) {
    await this.outbox.create({ _id: newId(), ...mail, at: this.now() });
  }
}

/**
 * Mail is sent after the state change it announces; a failure to send is
 * logged, never undoes the change (the admin can resend).
 */
export async function sendQuietly(mailer: Mailer, log: Logger, mail: Mail): Promise<boolean> {
  try {
    await mailer.send(mail);
    return true;
  } catch (err) {
    log.warn({ err, to: mail.to }, 'mail could not be sent');
    return false;
  }
}
