/** A way to reach an applicant. E-mail today; an SMS gateway implements the same interface. */
export interface NotificationTransport {
  readonly channel: 'email' | 'sms';
  send(message: { to: string; subject: string; text: string }): Promise<void>;
  close?(): void;
}
