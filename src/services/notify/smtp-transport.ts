import nodemailer from 'nodemailer';
import type { Config } from '../../config';
import type { NotificationTransport } from './transport';

/** E-mail through a real SMTP server (nodemailer); connection pooling keeps a burst cheap. */
export function createSmtpTransport(smtp: NonNullable<Config['smtp']>): NotificationTransport {
  const transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    pool: true,
    maxConnections: 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    channel: 'email',
    async send(m) {
      await transporter.sendMail({ from: smtp.from, to: m.to, subject: m.subject, text: m.text });
    },
    close: () => transporter.close(),
  };
}
