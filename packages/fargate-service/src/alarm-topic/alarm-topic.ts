import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { PropErrors } from "../validation/validation";

export interface AlarmTopicProps {
  /** Topic name (`<env>-alarms`). */
  readonly name: string;
  /**
   * E-mail addresses subscribed to every alarm (each confirms by mail once).
   * @default [] - no subscription; add endpoints to the topic by hand or by config later
   */
  readonly emailEndpoints?: readonly string[];
  /**
   * KMS key (id, ARN or alias) encrypting the topic.
   * @default "alias/aws/sns"
   */
  readonly kmsKeyId?: string;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The environment's alarm topic: every service alarm notifies it; encrypted at rest. */
export class AlarmTopic extends Construct {
  public readonly topic: SnsTopic;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const errors = new PropErrors("AlarmTopic");
    errors.pattern("name", props.name, /^[A-Za-z0-9_-]{1,256}$/, "use 1-256 letters, digits, - or _");
    const emails = props.emailEndpoints ?? [];
    for (const [i, email] of emails.entries())
      errors.pattern(`emailEndpoints[${i}]`, email, EMAIL, "not an e-mail address");
    this.topic = new SnsTopic(this, "topic", {
      name: props.name,
      kmsMasterKeyId: props.kmsKeyId ?? "alias/aws/sns",
    });
    this.arn = this.topic.arn;
    for (const [i, email] of emails.entries())
      new SnsTopicSubscription(this, `email-${i}`, {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: email,
      });
  }
}
