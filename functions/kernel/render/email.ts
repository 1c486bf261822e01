/** One email, as SNS publishes it: what every feature's email renderer produces and the email port sends. */
export interface Email {
  readonly topicArn: string;
  /** At most 100 characters, one line (SNS's limits for email subjects). */
  readonly subject: string;
  readonly body: string;
}
